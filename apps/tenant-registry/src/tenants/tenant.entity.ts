import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { TenantRecordStatus } from './tenant-record-status';

@Entity({ name: 'tenant' })
export class TenantEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName!: string;

  @Column({ type: 'jsonb', default: {} })
  metadata!: Record<string, string>;

  /**
   * Suspended tenants keep their resources; products refuse to serve them. An offboarded one is
   * `offboarding` until every registration is deleted, then `deleted` (kept, never reused).
   */
  @Column({ type: 'text', default: 'active' })
  status!: TenantRecordStatus;

  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason!: string | null;

  @Column({ name: 'status_revision', type: 'int', default: 0 })
  statusRevision!: number;

  /** The operator's reason for offboarding the tenant, if given. */
  @Column({ name: 'offboard_reason', type: 'text', nullable: true })
  offboardReason!: string | null;

  @Column({ name: 'offboard_requested_at', type: 'timestamptz', nullable: true })
  offboardRequestedAt!: Date | null;

  /** When the last registration was released and the tenant became `deleted`. */
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
