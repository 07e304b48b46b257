import type { ProductManifest } from '@enclave/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One published version of a product's manifest. Never updated: a change is a new version. */
@Entity({ name: 'product_version' })
export class ProductVersionEntity {
  @PrimaryColumn({ type: 'text' })
  product!: string;

  @PrimaryColumn({ type: 'text' })
  version!: string;

  /** json, not jsonb: a compound index's key order is meaning, and jsonb reorders keys. */
  @Column({ type: 'json' })
  manifest!: ProductManifest;

  @Column({ type: 'text' })
  checksum!: string;

  /** The schema version a tenant at this product version has (its last migration's). */
  @Column({ name: 'schema_version', type: 'int' })
  schemaVersion!: number;

  @CreateDateColumn({ name: 'published_at', type: 'timestamptz' })
  publishedAt!: Date;
}
