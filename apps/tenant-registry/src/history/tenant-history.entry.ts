import {
  BrokerProvisioned,
  CredentialsIssued,
  CredentialsRotated,
  CredentialsRotationFailed,
  CredentialsRotationRequested,
  DeadLetterDiscarded,
  DeadLetterReplayed,
  EventEnvelope,
  MigrationsApplied,
  MongoProvisioned,
  RegistrationLimitsChanged,
  PostgresProvisioned,
  RegistrationUpgradeRequested,
  ServiceDeprovisionRequested,
  ServiceDeprovisioned,
  ServiceFailed,
  ServiceReady,
  ServiceRegistered,
  ServiceRetryRequested,
  ServiceRetryStarted,
  StageFailed,
  StageReleased,
  StageUpgradeFailed,
  StageUpgraded,
  TenantCreated,
  TenantOffboarded,
  TenantStatusChanged,
} from '@enclave/contracts';

/**
 * The lifecycle events a tenant's history records. Status-only events (ServiceStatusChanged) are
 * left out: they restate what the stage outcomes already say. Rejected intake requests are recorded
 * by the intake itself (IntakeRejected), not from a topic.
 */
export const HISTORY_EVENTS = [
  TenantCreated,
  TenantStatusChanged,
  ServiceRegistered,
  CredentialsIssued,
  PostgresProvisioned,
  MongoProvisioned,
  BrokerProvisioned,
  MigrationsApplied,
  StageFailed,
  ServiceReady,
  ServiceFailed,
  ServiceRetryRequested,
  ServiceRetryStarted,
  CredentialsRotationRequested,
  CredentialsRotated,
  CredentialsRotationFailed,
  ServiceDeprovisionRequested,
  StageReleased,
  ServiceDeprovisioned,
  RegistrationUpgradeRequested,
  StageUpgraded,
  StageUpgradeFailed,
  RegistrationLimitsChanged,
  TenantOffboarded,
  // An operator's decision on a dead letter about the tenant (why: the operator's reason).
  DeadLetterReplayed,
  DeadLetterDiscarded,
] as const;

/** One row of a tenant's history. */
export interface TenantHistoryEntry {
  readonly eventId: string;
  readonly tenantId: string;
  readonly product: string | null;
  readonly registrationId: string | null;
  /** The event type, except a status change, which says which: TenantSuspended / TenantResumed. */
  readonly kind: string;
  readonly occurredAt: string;
  /** On whose behalf (the operator, publisher or platform that set the chain going). */
  readonly actor: EventEnvelope['actor'] | null;
  /** The app that wrote the event: for a stage outcome, the stage that did the work. */
  readonly producer: string;
  readonly stage: string | null;
  readonly reason: string | null;
  readonly correlationId: string;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** What a decoded lifecycle event contributes to its tenant's history. */
export function historyEntryOf(envelope: EventEnvelope): TenantHistoryEntry {
  const payload = (envelope.payload ?? {}) as Record<string, unknown>;
  const kind =
    envelope.type === TenantStatusChanged.type
      ? payload['status'] === 'suspended'
        ? 'TenantSuspended'
        : 'TenantResumed'
      : envelope.type;
  return {
    eventId: envelope.id,
    tenantId: envelope.tenantId,
    product: text(payload['product']),
    registrationId: text(payload['registrationId']),
    kind,
    occurredAt: envelope.occurredAt,
    actor: envelope.actor ?? null,
    producer: envelope.producer,
    stage: text(payload['stage']),
    reason: text(payload['reason']),
    correlationId: envelope.correlationId,
  };
}
