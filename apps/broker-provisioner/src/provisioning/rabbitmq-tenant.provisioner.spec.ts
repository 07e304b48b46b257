import { tenantResourceNames } from '@enclave/contracts';
import { exampleProducts } from '@enclave/product-catalog';
import { RabbitMqApiError } from './rabbitmq-api.error';
import { RabbitMqManagementClient } from './rabbitmq-management.client';
import { RabbitMqTenantProvisioner } from './rabbitmq-tenant.provisioner';

const topology = exampleProducts.get('ledger')!.resources.rabbitmq!;
const tenantId = 'acme';
const { vhost, rabbitUser } = tenantResourceNames(tenantId, 'ledger', 'SCHEMA');
const request = {
  tenantId,
  product: 'ledger',
  mode: 'SCHEMA' as const,
  username: rabbitUser,
  password: 'p'.repeat(32),
  topology,
};
const starting = () =>
  new RabbitMqApiError(
    'PUT',
    `queues/${vhost}/q`,
    400,
    `Cannot declare a queue on node 'rabbit@localhost': {vhost_supervisor_not_running,<<"${vhost}">>}`,
  );

/** The management API as a run that lost the vhost creation race sees it. */
function lostRace(refusals: number) {
  const calls: string[] = [];
  let refused = 0;
  const api = {
    administrator: 'admin',
    getVhost: async () => {
      calls.push('getVhost');
      // Absent at first sight, then there (the other run's PUT won), running.
      return calls.filter((c) => c === 'getVhost').length === 1
        ? undefined
        : {
            name: vhost,
            description: `enclave tenant=${tenantId} product=ledger`,
            tags: [],
            running: true,
          };
    },
    getUser: async () => undefined,
    listUserPermissions: async () => [],
    putVhost: async () => (calls.push('putVhost'), false), // 204: it existed by then
    putUser: async () => void calls.push('putUser'),
    putPermissions: async () => void calls.push('putPermissions'),
    putVhostLimits: async () => void calls.push('putVhostLimits'),
    putExchange: async () => void calls.push('putExchange'),
    putQueue: async () => {
      calls.push('putQueue');
      if (refused < refusals) {
        refused++;
        throw starting();
      }
    },
    bindQueue: async () => void calls.push('bindQueue'),
  };
  return { api: api as unknown as RabbitMqManagementClient, calls };
}

describe('RabbitMqTenantProvisioner, racing a vhost’s creation', () => {
  it('waits for a vhost another run created, and retries declarations refused while it starts', async () => {
    const { api, calls } = lostRace(2);
    await expect(new RabbitMqTenantProvisioner(api).provision(request)).resolves.toEqual({
      vhost,
      user: rabbitUser,
    });
    // Checked running after the losing PUT, then after each refusal.
    expect(calls.filter((c) => c === 'getVhost').length).toBeGreaterThanOrEqual(3);
    // The last attempt declared every queue and binding (a retry redeclares, which is a no-op).
    const lastRound = calls.slice(calls.lastIndexOf('getVhost') + 1);
    expect(lastRound.filter((c) => c === 'putQueue')).toHaveLength(topology.queues.length);
    expect(lastRound.filter((c) => c === 'bindQueue')).toHaveLength(topology.bindings.length);
  });

  it('gives up after five refusals with the broker’s error, marked retryable for the consumer', async () => {
    const { api } = lostRace(1_000);
    const error = await new RabbitMqTenantProvisioner(api).provision(request).catch((e) => e);
    expect(error).toBeInstanceOf(RabbitMqApiError);
    expect(error).toMatchObject({ status: 400, retryable: true });
  });
});
