import type { RolloutState } from '@enclave/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A product version rolled out to every Ready registration of the product. */
@Entity({ name: 'rollout' })
export class RolloutEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  product!: string;

  @Column({ name: 'target_version', type: 'text' })
  targetVersion!: string;

  @Column({ type: 'text' })
  state!: RolloutState;

  /** How many tenants are brought forward at once. */
  @Column({ type: 'int' })
  concurrency!: number;

  /** How many tenants may fail before the rollout pauses itself. */
  @Column({ name: 'failure_budget', type: 'int' })
  failureBudget!: number;

  /** Failed tenants since the rollout started or was last resumed. */
  @Column({ type: 'int', default: 0 })
  failures!: number;

  /** Why it paused or was aborted. */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}
