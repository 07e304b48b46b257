import { NotFoundException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ServiceRegistrationEntity } from './service-registration.entity';

/**
 * A tenant's registration of a product, locked for the rest of the transaction (operator requests
 * about one registration queue here); 404 when the product is not registered for the tenant.
 */
export async function lockRegistration(
  tx: EntityManager,
  tenantId: string,
  product: string,
): Promise<ServiceRegistrationEntity> {
  const registration = await tx.findOne(ServiceRegistrationEntity, {
    where: { tenantId, product },
    lock: { mode: 'pessimistic_write' },
  });
  if (!registration) {
    throw new NotFoundException(`${product} is not registered for tenant ${tenantId}`);
  }
  return registration;
}
