import type { EventActor } from '@enclave/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A named operator token: who it names and whether it still admits; never the token itself. */
@Entity({ name: 'operator_token' })
export class OperatorTokenEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** The operator's name: every call made with the token is recorded as `operator:<name>`. */
  @Column({ type: 'text' })
  name!: string;

  /** SHA-256 of the token: enough for 256-bit random tokens, and a stolen table admits nobody. */
  @Column({ name: 'token_sha256', type: 'bytea', select: false })
  tokenSha256!: Buffer;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'created_by', type: 'jsonb', nullable: true })
  createdBy!: EventActor | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoked_by', type: 'jsonb', nullable: true })
  revokedBy!: EventActor | null;
}
