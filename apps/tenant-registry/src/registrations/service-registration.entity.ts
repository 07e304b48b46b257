import type {
  CredentialsIssuedPayload,
  IsolationMode,
  RegistrationLimits,
  ResourceKind,
  StageCondition,
} from '@enclave/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn, Unique, UpdateDateColumn } from 'typeorm';
import type { RegistrationRotation } from './registration-rotation';
import type { RegistrationUpgrade } from './registration-upgrade';
import type { RegistrationState } from './registration-state';

@Entity({ name: 'service_registration' })
@Unique('service_registration_tenant_product', ['tenantId', 'product'])
export class ServiceRegistrationEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ type: 'text' })
  product!: string;

  @Column({ name: 'product_version', type: 'text' })
  productVersion!: string;

  @Column({ name: 'isolation_mode', type: 'text' })
  isolationMode!: IsolationMode;

  @Column({ type: 'text', array: true })
  resources!: ResourceKind[];

  @Column({ type: 'text', default: 'provisioning' })
  state!: RegistrationState;

  /** Per-stage conditions as last reported by the readiness-aggregator. */
  @Column({ type: 'jsonb', default: [] })
  conditions!: StageCondition[];

  /**
   * The vault versions the resources have applied: first issue, then each completed rotation. Products
   * are handed these, never a newer version a provisioner has not applied yet.
   */
  @Column({ type: 'jsonb', nullable: true })
  credentials!: CredentialsIssuedPayload['credentials'] | null;

  /** The last credential rotation asked for, and how it ended; null before the first. */
  @Column({ type: 'jsonb', nullable: true })
  rotation!: RegistrationRotation | null;

  /** A rollout bringing it to a newer version: under way, or failed (it is behind, and why). */
  @Column({ type: 'jsonb', nullable: true })
  upgrade!: RegistrationUpgrade | null;

  /** The registration's own resource limits; null: the defaults (see RegistrationLimits). */
  @Column({ type: 'jsonb', nullable: true })
  limits!: RegistrationLimits | null;

  /** 0 as registered, one more for each change: stages apply a change only over an older one. */
  @Column({ name: 'limits_revision', type: 'int', default: 0 })
  limitsRevision!: number;

  /** How many times an operator asked to provision it again after it failed. */
  @Column({ type: 'int', default: 0 })
  retries!: number;

  @Column({ name: 'status_revision', type: 'int', default: 0 })
  statusRevision!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
