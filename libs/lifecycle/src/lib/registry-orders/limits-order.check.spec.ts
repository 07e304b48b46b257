import { registryOrderPath } from '@enclave/contracts';
import { RefusedEventError } from '@enclave/messaging';
import { InMemorySecretStore } from '@enclave/secret-store';
import { checkLimitsOrdered } from './limits-order.check';

const ref = {
  tenantId: 'acme',
  product: 'ledger',
  isolationMode: 'SCHEMA' as const,
  registrationId: 'reg-1',
};
const limits = { postgres: { connectionLimit: 5, statementTimeoutMs: 1000 } };

describe('checkLimitsOrdered', () => {
  let secrets: InMemorySecretStore;

  beforeEach(async () => {
    secrets = new InMemorySecretStore();
    await secrets.put(registryOrderPath('acme', 'ledger', 'limits'), {
      registrationId: 'reg-1',
      revision: '2',
      limits: JSON.stringify(limits),
    });
  });

  it('accepts the ordered revision with the ordered limits, whatever the key order', async () => {
    await expect(checkLimitsOrdered(secrets, { ...ref, revision: 2, limits })).resolves.toBe(
      'current',
    );
    const reordered = { postgres: { statementTimeoutMs: 1000, connectionLimit: 5 } };
    await expect(
      checkLimitsOrdered(secrets, { ...ref, revision: 2, limits: reordered }),
    ).resolves.toBe('current');
  });

  it('calls an older revision of the ordered registration stale', async () => {
    await expect(
      checkLimitsOrdered(secrets, { ...ref, revision: 1, limits: { rabbitmq: { maxQueues: 1 } } }),
    ).resolves.toBe('stale');
  });

  it.each([
    ['other limits under the ordered revision', { ...ref, revision: 2, limits: {} }],
    ['a revision never ordered', { ...ref, revision: 3, limits }],
    ['another registration', { ...ref, registrationId: 'reg-2', revision: 2, limits }],
    ['another tenant (no order)', { ...ref, tenantId: 'globex', revision: 1, limits }],
  ])('refuses %s', async (_why, change) => {
    await expect(checkLimitsOrdered(secrets, change)).rejects.toBeInstanceOf(RefusedEventError);
  });
});
