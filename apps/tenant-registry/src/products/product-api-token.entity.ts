import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A product API token, kept as its keyed hash only: the token itself was shown once. */
@Entity({ name: 'product_api_token' })
export class ProductApiTokenEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  product!: string;

  /** What the operator called it (which deployment holds it), if anything. */
  @Column({ type: 'text', nullable: true })
  name!: string | null;

  @Column({ name: 'token_hash', type: 'bytea', select: false })
  tokenHash!: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
