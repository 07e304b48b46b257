import {
  ServiceDeprovisionRequestedPayload,
  offboardingOrderOf,
  registryOrderPath,
} from '@enclave/contracts';
import { RefusedEventError } from '@enclave/messaging';
import { SecretStore } from '@enclave/secret-store';

/**
 * Refuses (dead-letters, dropping nothing) a ServiceDeprovisionRequested the tenant-registry did not
 * order: its offboarding order for the (tenant, product), written when it marked the registration
 * `deprovisioning`, must name this registration, isolation mode and resources. The order is kept
 * after the offboarding, so a repeated or late genuine request still finds it (and finds nothing
 * left to drop).
 */
export async function checkOffboardingOrdered(
  secrets: SecretStore,
  request: ServiceDeprovisionRequestedPayload,
): Promise<void> {
  const { tenantId, product, registrationId } = request;
  const order = await secrets.find(registryOrderPath(tenantId, product, 'offboarding'));
  const expected = offboardingOrderOf(request);
  const what = `offboarding of ${product} for tenant ${tenantId} (registration ${registrationId})`;
  if (!order) {
    throw new RefusedEventError(`${what} refused: the tenant-registry has not ordered it`);
  }
  for (const field of ['registrationId', 'isolationMode', 'resources'] as const) {
    if (order.data[field] !== expected[field]) {
      throw new RefusedEventError(
        `${what} refused: ${field} ${expected[field]} is not the registry's order (${order.data[field] ?? 'none'})`,
      );
    }
  }
}
