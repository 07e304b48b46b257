import { ProductName } from './product-name.schema';
import { TenantId } from './tenant-id.schema';

/**
 * What the tenant-registry asks of the stages and writes down in the vault as well as announcing it
 * on Kafka: offboarding a registration, rotating its credentials, changing its limits. A destructive or credential-moving
 * handler acts only on an event that matches the registry's order, so one forged event on the bus
 * (anyone who can write a topic) cannot drop a tenant or move its credentials. The vault is the
 * store every stage already reads and only the registry and the credential-service write.
 */
export type RegistryOrderKind = 'offboarding' | 'rotation' | 'limits';

/**
 * Where the registry keeps its order of `kind` for a (tenant, product), derived like every other
 * name: never taken from an event. A (tenant, product) is registered at most once (offboarded names
 * are not reused), so one path per kind names one registration.
 */
export function registryOrderPath(
  tenantId: TenantId,
  product: ProductName,
  kind: RegistryOrderKind,
): string {
  return `registry/${kind}/${tenantId}/${product}`;
}

/** What an offboarding order holds (vault data is flat strings): the registration and what it had. */
export interface OffboardingOrder {
  readonly registrationId: string;
  readonly isolationMode: string;
  /** The resources fixed at registration, sorted and comma-joined. */
  readonly resources: string;
}

/** What a rotation order holds: the one rotation the registry has asked for last. */
export interface RotationOrder {
  readonly registrationId: string;
  readonly rotationId: string;
}

/** What a limits order holds: the registration's last limits change, its revision and limits (JSON). */
export interface LimitsOrder {
  readonly registrationId: string;
  readonly revision: string;
  readonly limits: string;
}

export function offboardingOrderOf(registration: {
  registrationId: string;
  isolationMode: string;
  resources: readonly string[];
}): OffboardingOrder {
  return {
    registrationId: registration.registrationId,
    isolationMode: registration.isolationMode,
    resources: [...registration.resources].sort().join(','),
  };
}

/**
 * Where the registry keeps a tenant's last status change (suspended or active) and its revision:
 * the order the stages check a TenantStatusChanged against before they disable or restore logins.
 */
export function tenantStatusOrderPath(tenantId: TenantId): string {
  return `registry/tenant-status/${tenantId}`;
}
