import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A product tenants can be registered for; it exists once its first version is published. */
@Entity({ name: 'product' })
export class ProductEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  /** The version new registrations get. */
  @Column({ name: 'current_version', type: 'text' })
  currentVersion!: string;

  /** Product API tokens of an older generation are revoked. */
  @Column({ name: 'token_generation', type: 'int', default: 1 })
  tokenGeneration!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
