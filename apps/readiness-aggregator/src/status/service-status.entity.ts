import type { IsolationMode, Stage } from '@enclave/contracts';
import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { CredentialReport } from '../rotation/credential.report';
import type { RotationRecord } from '../rotation/rotation.record';
import type { AggregatedState } from './aggregated-state';

export interface StageRecord {
  status: 'done' | 'failed';
  completedAt: string;
  reason: string | null;
}

@Entity({ name: 'service_status' })
export class ServiceStatusEntity {
  @PrimaryColumn({ name: 'registration_id', type: 'uuid' })
  registrationId!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ type: 'text' })
  product!: string;

  @Column({ name: 'isolation_mode', type: 'text' })
  isolationMode!: IsolationMode;

  /** Null until ServiceRegistered is seen: stage events may arrive first (other topics). */
  @Column({ name: 'registered_at', type: 'timestamptz', nullable: true })
  registeredAt!: Date | null;

  @Column({ type: 'text', array: true, nullable: true })
  required!: Stage[] | null;

  @Column({ type: 'jsonb', default: {} })
  stages!: Partial<Record<Stage, StageRecord>>;

  @Column({ type: 'text', default: 'provisioning' })
  state!: AggregatedState;

  @Column({ name: 'schema_version', type: 'int', nullable: true })
  schemaVersion!: number | null;

  @Column({ type: 'int', default: 0 })
  revision!: number;

  /** When an operator asked to offboard it; null while it is not being offboarded. */
  @Column({ name: 'deprovision_requested_at', type: 'timestamptz', nullable: true })
  deprovisionRequestedAt!: Date | null;

  /** Stage → when it released the registration (removed what it made), in any order. */
  @Column({ type: 'jsonb', default: {} })
  released!: Partial<Record<Stage, string>>;

  /** The last operator retry this registration was reopened for (0: never retried). */
  @Column({ type: 'int', default: 0 })
  retries!: number;

  /** The last credential rotation; null until one is seen. */
  @Column({ type: 'jsonb', nullable: true })
  rotation!: RotationRecord | null;

  /** Stage re-apply reports no rotation has claimed yet (bounded, newest last). */
  @Column({ name: 'unclaimed_reports', type: 'jsonb', default: [] })
  unclaimedReports!: CredentialReport[];

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
