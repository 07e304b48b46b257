import { TenantStatusChangedPayload, tenantStatusOrderPath } from '@enclave/contracts';
import { RefusedEventError } from '@enclave/messaging';
import { SecretStore } from '@enclave/secret-store';

/** `current`: the change the registry ordered last; `stale`: an older one, overtaken. */
export type TenantStatusOrderCheck = 'current' | 'stale';

/**
 * Checks a TenantStatusChanged against the tenant-registry's order in the vault (its last status
 * change of the tenant and its revision). The registry's last change is `current`; an older
 * revision is `stale` (the newer one follows on the same key, so nothing is lost by skipping it).
 * A change the registry never ordered (a newer revision, or its revision with another status) is
 * refused (dead-lettered): a forged event can neither suspend a tenant nor lift a suspension.
 */
export async function checkTenantStatusOrdered(
  secrets: SecretStore,
  change: TenantStatusChangedPayload,
): Promise<TenantStatusOrderCheck> {
  const order = await secrets.find(tenantStatusOrderPath(change.tenantId));
  const ordered = order ? Number(order.data.revision) : 0;
  if (change.revision < ordered) return 'stale';
  if (!order || change.revision > ordered || order.data.status !== change.status) {
    throw new RefusedEventError(
      `tenant ${change.tenantId} ${change.status} (revision ${change.revision}) refused: the tenant-registry's last order is ` +
        (order ? `${order.data.status} (revision ${ordered})` : 'none'),
    );
  }
  return 'current';
}
