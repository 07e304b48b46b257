import { RegistrationLimits, RegistrationRef, registryOrderPath } from '@enclave/contracts';
import { RefusedEventError } from '@enclave/messaging';
import { SecretStore } from '@enclave/secret-store';

/** `current`: the limits change the registry ordered last; `stale`: an older one, overtaken. */
export type LimitsOrderCheck = 'current' | 'stale';

/**
 * Checks a RegistrationLimitsChanged against the tenant-registry's limits order in the vault (the
 * registration's last change: revision and limits). An older revision is `stale` (a newer change is
 * in force or follows); the ordered revision with the ordered limits is `current`. Anything else (no
 * order, another registration, a revision never ordered, other limits) is refused (dead-lettered):
 * a forged event can neither lift a tenant's limits nor choke it.
 */
export async function checkLimitsOrdered(
  secrets: SecretStore,
  change: RegistrationRef & { readonly revision: number; readonly limits: RegistrationLimits },
): Promise<LimitsOrderCheck> {
  const { tenantId, product, registrationId, revision } = change;
  const order = await secrets.find(registryOrderPath(tenantId, product, 'limits'));
  const ordered = order ? Number(order.data.revision) : 0;
  if (order?.data.registrationId === registrationId && revision < ordered) return 'stale';
  if (
    order?.data.registrationId !== registrationId ||
    revision !== ordered ||
    stableJson(parsed(order.data.limits)) !== stableJson(change.limits)
  ) {
    throw new RefusedEventError(
      `limits revision ${revision} of ${product} for tenant ${tenantId} (registration ${registrationId}) refused: ` +
        (order
          ? `the tenant-registry's last limits order is revision ${ordered} of registration ${order.data.registrationId}, with other limits or another revision`
          : 'the tenant-registry ordered no limits change'),
    );
  }
  return 'current';
}

function parsed(json: string | undefined): unknown {
  try {
    return JSON.parse(json ?? 'null');
  } catch {
    return null;
  }
}

/** JSON with object keys sorted at every depth, so equal limits compare equal whatever their order. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
