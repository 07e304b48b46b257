import { RegistrationRef, registryOrderPath } from '@enclave/contracts';
import { RefusedEventError } from '@enclave/messaging';
import { SecretStore } from '@enclave/secret-store';

/**
 * Refuses (dead-letters, rotating nothing) a rotation request the tenant-registry did not order: its
 * rotation order for the (tenant, product), written with the request, must name this registration
 * and rotation. Only the last rotation asked is in the order; an older one arriving late would be
 * superseded anyway.
 */
export async function checkRotationOrdered(
  secrets: SecretStore,
  request: RegistrationRef & { readonly rotationId: string },
): Promise<void> {
  const { tenantId, product, registrationId, rotationId } = request;
  const order = await secrets.find(registryOrderPath(tenantId, product, 'rotation'));
  if (order?.data.registrationId !== registrationId || order.data.rotationId !== rotationId) {
    throw new RefusedEventError(
      `rotation ${rotationId} of ${product} for tenant ${tenantId} (registration ${registrationId}) refused: ` +
        `the tenant-registry's last rotation order is ${order?.data.rotationId ?? 'none'}`,
    );
  }
}
