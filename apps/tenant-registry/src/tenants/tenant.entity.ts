import type { TenantStatus } from '@enclave/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'tenant' })
export class TenantEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName!: string;

  @Column({ type: 'jsonb', default: {} })
  metadata!: Record<string, string>;

  /** Suspended tenants keep their resources; products refuse to serve them. */
  @Column({ type: 'text', default: 'active' })
  status!: TenantStatus;

  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason!: string | null;

  @Column({ name: 'status_revision', type: 'int', default: 0 })
  statusRevision!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
