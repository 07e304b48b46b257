import { tenantResourceNames } from '@enclave/contracts';
import { exampleProducts } from '@enclave/product-catalog';
import { RabbitMqApiError } from './rabbitmq-api.error';
import { RabbitMqManagementClient } from './rabbitmq-management.client';
import { RabbitMqTenantProvisioner, sharedVhostAccess } from './rabbitmq-tenant.provisioner';

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

/**
 * The management API as a run that lost the vhost creation race sees it: the first `refusals`
 * queue declarations fail with `refusal` (the vhost still starting, by default).
 */
function lostRace(refusals: number, refusal: () => RabbitMqApiError = starting) {
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
    putPermissions: async (_v: string, user: string) => void calls.push(`putPermissions ${user}`),
    deletePermissions: async (_v: string, user: string) => (
      calls.push(`deletePermissions ${user}`),
      true
    ),
    putVhostLimits: async () => void calls.push('putVhostLimits'),
    putExchange: async () => void calls.push('putExchange'),
    putQueue: async () => {
      calls.push('putQueue');
      if (refused < refusals) {
        refused++;
        throw refusal();
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
      isolation: 'VHOST',
      prefix: null,
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

describe('RabbitMqTenantProvisioner, the administrator’s access to a tenant’s vhost', () => {
  const refusedAccess = () =>
    new RabbitMqApiError('PUT', `queues/${vhost}/q`, 401, 'Access refused.');
  const grants = (calls: string[]) =>
    calls.filter((c) => c.endsWith(' admin')).map((c) => c.split(' ')[0]);

  it('is granted to declare the topology and removed once it is declared', async () => {
    const { api, calls } = lostRace(0);
    await new RabbitMqTenantProvisioner(api).provision(request);
    expect(grants(calls)).toEqual(['putPermissions', 'deletePermissions']);
    // Removed after the last declaration.
    const removed = calls.indexOf('deletePermissions admin');
    expect(calls.lastIndexOf('bindQueue')).toBeLessThan(removed);
    expect(calls.lastIndexOf('putQueue')).toBeLessThan(removed);
  });

  it('is granted again when a concurrent run removed it mid-way, and removed at the end', async () => {
    // Every queue of the first round is refused, and one of the second.
    const { api, calls } = lostRace(topology.queues.length + 1, refusedAccess);
    await new RabbitMqTenantProvisioner(api).provision(request);
    expect(grants(calls)).toEqual([
      'putPermissions',
      'putPermissions',
      'putPermissions',
      'deletePermissions',
    ]);
  });

  it('is removed when the declaration fails for good, with the declaration’s error reported', async () => {
    const inequivalent = () =>
      new RabbitMqApiError('PUT', `queues/${vhost}/q`, 400, 'inequivalent arg durable');
    const { api, calls } = lostRace(1_000, inequivalent);
    const error = await new RabbitMqTenantProvisioner(api).provision(request).catch((e) => e);
    expect(error).toMatchObject({ status: 400, retryable: false });
    expect(grants(calls)).toEqual(['putPermissions', 'deletePermissions']);
  });
});

describe('sharedVhostAccess', () => {
  it('anchors the escaped prefix, so a tenant matches its own names only', () => {
    const prefix = tenantResourceNames('acme-corp', 'ledger', 'SCHEMA').rabbitPrefix;
    const access = sharedVhostAccess(prefix);
    expect(access).toEqual({
      configure: '^t\\.acme\\-corp\\.',
      write: '^t\\.acme\\-corp\\.',
      read: '^t\\.acme\\-corp\\.',
    });
    // JavaScript's and RabbitMQ's (PCRE) regular expressions agree on these.
    const own = new RegExp(access.read);
    expect(own.test('t.acme-corp.ledger.events')).toBe(true);
    for (const other of [
      't.acme-corp2.ledger.events', // a tenant id that starts with this one
      't.acme-corpx.ledger.events',
      'tXacme-corp.ledger.events', // `.` is not a wildcard
      'x.t.acme-corp.ledger.events', // anchored at the start
      'amq.default',
      'amq.gen-abc', // server-named queues
      't.acme.ledger.events',
    ]) {
      expect({ other, matched: own.test(other) }).toEqual({ other, matched: false });
    }
  });
});
