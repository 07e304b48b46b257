import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A product tenants can be registered for; it exists once its first version is published. */
@Entity({ name: 'product' })
export class ProductEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  /** The version new registrations get. */
  @Column({ name: 'current_version', type: 'text' })
  currentVersion!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
