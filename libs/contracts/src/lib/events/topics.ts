/** Every Kafka topic the platform's lifecycle uses. Dead-letter topics are `<topic>.dlq`. */
export const Topics = {
  TenantCreated: 'enclave.tenant.created',
  TenantStatusChanged: 'enclave.tenant.status-changed',
  TenantOffboarded: 'enclave.tenant.offboarded',
  ServiceRegistered: 'enclave.service.registered',
  CredentialsIssued: 'enclave.credentials.issued',
  CredentialsRotationRequested: 'enclave.credentials.rotation-requested',
  CredentialsRotated: 'enclave.credentials.rotated',
  CredentialsRotationFailed: 'enclave.credentials.rotation-failed',
  PostgresProvisioned: 'enclave.postgres.provisioned',
  MongoProvisioned: 'enclave.mongo.provisioned',
  BrokerProvisioned: 'enclave.broker.provisioned',
  MigrationsApplied: 'enclave.migrations.applied',
  StageFailed: 'enclave.stage.failed',
  ServiceReady: 'enclave.service.ready',
  ServiceFailed: 'enclave.service.failed',
  ServiceStatusChanged: 'enclave.service.status-changed',
  ServiceRetryRequested: 'enclave.service.retry-requested',
  ServiceRetryStarted: 'enclave.service.retry-started',
  ServiceDeprovisionRequested: 'enclave.service.deprovision-requested',
  StageReleased: 'enclave.stage.released',
  ServiceDeprovisioned: 'enclave.service.deprovisioned',
  ProductVersionPublished: 'enclave.product.version-published',
  RolloutStateChanged: 'enclave.rollout.state-changed',
  RegistrationUpgradeRequested: 'enclave.registration.upgrade-requested',
  StageUpgraded: 'enclave.stage.upgraded',
  StageUpgradeFailed: 'enclave.stage.upgrade-failed',
  RegistrationLimitsChanged: 'enclave.registration.limits-changed',
  DeadLetterReplayed: 'enclave.dead-letter.replayed',
  DeadLetterDiscarded: 'enclave.dead-letter.discarded',
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];

export const deadLetterTopicOf = (topic: string): string => `${topic}.dlq`;
