import { EventCatalog } from '../catalog/event-catalog';
import { BrokerProvisioned } from './broker-provisioned.event';
import { CredentialsIssued } from './credentials-issued.event';
import { CredentialsRotated } from './credentials-rotated.event';
import { CredentialsRotationFailed } from './credentials-rotation-failed.event';
import { CredentialsRotationRequested } from './credentials-rotation-requested.event';
import { DeadLetterDiscarded } from './dead-letter-discarded.event';
import { DeadLetterReplayed } from './dead-letter-replayed.event';
import { MigrationsApplied } from './migrations-applied.event';
import { MongoProvisioned } from './mongo-provisioned.event';
import { PostgresProvisioned } from './postgres-provisioned.event';
import { ProductVersionPublished } from './product-version-published.event';
import { RegistrationLimitsChanged } from './registration-limits-changed.event';
import { RegistrationUpgradeRequested } from './registration-upgrade-requested.event';
import { RolloutStateChanged } from './rollout-state-changed.event';
import { StageUpgradeFailed } from './stage-upgrade-failed.event';
import { StageUpgraded } from './stage-upgraded.event';
import { ServiceDeprovisionRequested } from './service-deprovision-requested.event';
import { ServiceDeprovisioned } from './service-deprovisioned.event';
import { ServiceFailed } from './service-failed.event';
import { ServiceReady } from './service-ready.event';
import { ServiceRegistered } from './service-registered.event';
import { ServiceRetryRequested } from './service-retry-requested.event';
import { ServiceRetryStarted } from './service-retry-started.event';
import { ServiceStatusChanged } from './service-status-changed.event';
import { StageFailed } from './stage-failed.event';
import { StageReleased } from './stage-released.event';
import { TenantCreated } from './tenant-created.event';
import { TenantOffboarded } from './tenant-offboarded.event';
import { TenantStatusChanged } from './tenant-status-changed.event';

/** The typed event map of the platform: topic → event definition (versions, schema, key). */
export const PlatformEvents = {
  TenantCreated,
  TenantStatusChanged,
  TenantOffboarded,
  ServiceRegistered,
  CredentialsIssued,
  CredentialsRotationRequested,
  CredentialsRotated,
  CredentialsRotationFailed,
  PostgresProvisioned,
  MongoProvisioned,
  BrokerProvisioned,
  MigrationsApplied,
  StageFailed,
  ServiceReady,
  ServiceFailed,
  ServiceStatusChanged,
  ServiceRetryRequested,
  ServiceRetryStarted,
  ServiceDeprovisionRequested,
  StageReleased,
  ServiceDeprovisioned,
  ProductVersionPublished,
  RolloutStateChanged,
  RegistrationUpgradeRequested,
  StageUpgraded,
  StageUpgradeFailed,
  RegistrationLimitsChanged,
  DeadLetterReplayed,
  DeadLetterDiscarded,
} as const;

export const platformEventCatalog = new EventCatalog(Object.values(PlatformEvents));
