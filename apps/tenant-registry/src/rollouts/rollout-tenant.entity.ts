import type { UpgradeStage } from '@enclave/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

export type RolloutTenantState = 'pending' | 'upgrading' | 'done' | 'skipped' | 'failed';

/** One registration in a rollout: where it stands, and how long it took. */
@Entity({ name: 'rollout_tenant' })
export class RolloutTenantEntity {
  @PrimaryColumn({ name: 'rollout_id', type: 'uuid' })
  rolloutId!: string;

  @PrimaryColumn({ name: 'registration_id', type: 'uuid' })
  registrationId!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  /** Canary tenants go first; the others wait until the canary group is through. */
  @Column({ type: 'boolean' })
  canary!: boolean;

  @Column({ name: 'from_version', type: 'text' })
  fromVersion!: string;

  @Column({ type: 'text' })
  state!: RolloutTenantState;

  /** Stages that have not reported for this upgrade yet. */
  @Column({ type: 'text', array: true, default: [] })
  awaiting!: UpgradeStage[];

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'duration_ms', type: 'int', nullable: true })
  durationMs!: number | null;
}
