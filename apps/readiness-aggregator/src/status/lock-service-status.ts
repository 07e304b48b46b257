import type { RegistrationRef } from '@enclave/contracts';
import { EntityManager } from 'typeorm';
import { ServiceStatusEntity } from './service-status.entity';

/**
 * A registration's status row, created if this is the first event about it, locked for the rest of
 * the transaction: events about one registration arrive on several topics, handled concurrently.
 */
export async function lockServiceStatus(
  tx: EntityManager,
  { tenantId, registrationId, product, isolationMode }: RegistrationRef,
): Promise<ServiceStatusEntity> {
  const repo = tx.getRepository(ServiceStatusEntity);
  await repo
    .createQueryBuilder()
    .insert()
    .values({
      registrationId,
      tenantId,
      product,
      isolationMode,
      stages: {},
      state: 'provisioning',
      revision: 0,
    })
    .orIgnore()
    .execute();
  return repo.findOneOrFail({
    where: { registrationId },
    lock: { mode: 'pessimistic_write' },
  });
}
