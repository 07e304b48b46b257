import { Topics, tenantResourceNames } from '@enclave/contracts';
import { expectEventually } from '@enclave/testing';
import { PlatformHarness } from './support/platform.harness';
import { TenantResources } from './support/tenant-resources';

/**
 * A registration's own resource limits through the admin API and the real platform: given at
 * registration they are on the servers once it is Ready and shown by the registration; an operator
 * changes them on a Ready registration (PUT …/limits) and the provisioners apply them; bad limits are
 * refused with the reason, a registration not ready is a conflict, and only operators may ask.
 */
describe('per-registration resource limits', () => {
  const platform = new PlatformHarness();
  const tenant = `lim-${platform.runId}`;
  const resources = new TenantResources(platform.infra);
  const names = tenantResourceNames(tenant, 'ledger', 'SCHEMA');
  const limitsPath = (product: string) => `/v1/tenants/${tenant}/services/${product}/limits`;
  let changes: Awaited<ReturnType<PlatformHarness['collect']>>;

  /** The tenant role's connection limit and statement_timeout as the server keeps them. */
  const roleLimits = async () => {
    const [row] = await resources.queryIn<{ rolconnlimit: number; rolconfig: string[] | null }>(
      'postgres',
      'SELECT rolconnlimit, rolconfig FROM pg_roles WHERE rolname = $1',
      [names.pgRole],
    );
    const timeout = (row.rolconfig ?? []).find((s) => s.startsWith('statement_timeout='));
    return { connectionLimit: row.rolconnlimit, statementTimeout: timeout?.split('=')[1] ?? null };
  };

  const vhostLimits = async () => {
    const url = new URL(platform.infra.rabbitmqMgmtUrl);
    const basic = Buffer.from(
      `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
    ).toString('base64');
    const response = await fetch(
      `${url.origin}/api/vhost-limits/${encodeURIComponent(names.vhost)}`,
      { headers: { authorization: `Basic ${basic}` } },
    );
    const [entry] = (await response.json()) as { value: Record<string, number> }[];
    return entry?.value;
  };

  beforeAll(async () => {
    await platform.start();
    changes = await platform.collect(Topics.RegistrationLimitsChanged);
    expect(
      (await platform.api('POST', '/v1/tenants', { id: tenant, displayName: tenant })).status,
    ).toBe(201);
  }, 240_000);

  afterAll(async () => {
    await platform.stop();
    await resources.cleanUp([tenant]);
  }, 60_000);

  it('refuses limits out of bounds at registration, naming the field, and registers nothing', async () => {
    const refused = await platform.api('POST', `/v1/tenants/${tenant}/services`, {
      product: 'ledger',
      limits: { postgres: { connectionLimit: 0 } },
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/connectionLimit/);
    expect((await platform.api('GET', `/v1/tenants/${tenant}/services/ledger`)).status).toBe(404);
  });

  it('a registration with its own limits has them on the servers once ready, and shows them', async () => {
    const limits = {
      postgres: { connectionLimit: 3, statementTimeoutMs: 400 },
      rabbitmq: { maxConnections: 2 },
    };
    const registered = await platform.api('POST', `/v1/tenants/${tenant}/services`, {
      product: 'ledger',
      limits,
    });
    expect(registered.status).toBe(202);
    expect(registered.body).toMatchObject({ limits, limitsRevision: 0 });
    await platform.waitForState(tenant, 'ledger', 'ready', 120_000);
    expect(await roleLimits()).toEqual({ connectionLimit: 3, statementTimeout: '400' });
    expect(await vhostLimits()).toEqual({ 'max-connections': 2, 'max-queues': 100 });
  });

  it('changes the limits of a ready registration: shown at once, applied on the servers; the same limits again change nothing', async () => {
    const next = { postgres: { connectionLimit: 5 }, rabbitmq: { maxQueues: 40 } };
    const changed = await platform.api('PUT', limitsPath('ledger'), next);
    expect(changed.status).toBe(202);
    expect(changed.body).toMatchObject({ limits: next, limitsRevision: 1, state: 'ready' });
    expect((await platform.api('GET', `/v1/tenants/${tenant}/services/ledger`)).body).toMatchObject(
      { limits: next, limitsRevision: 1 },
    );
    // Fields left out are back to their defaults: no timeout, the manifest's connections.
    await expectEventually(async () =>
      expect(await roleLimits()).toEqual({ connectionLimit: 5, statementTimeout: null }),
    );
    await expectEventually(async () =>
      expect(await vhostLimits()).toEqual({ 'max-connections': 50, 'max-queues': 40 }),
    );

    const again = await platform.api('PUT', limitsPath('ledger'), next);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ limitsRevision: 1 });
    // One event for the change, naming the operator; none for the repeat.
    await expectEventually(() => expect(changes.length).toBe(1));
    const event = JSON.parse(changes[0].message.value!.toString());
    expect(event).toMatchObject({
      type: 'RegistrationLimitsChanged',
      actor: { kind: 'operator' },
      payload: { tenantId: tenant, product: 'ledger', revision: 1, limits: next },
    });
  });

  it('refuses bad limits, a registration not ready, an unknown one, and anyone but an operator', async () => {
    const bad = await platform.api('PUT', limitsPath('ledger'), {
      rabbitmq: { maxQueues: 1_000_000 },
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/maxQueues/);
    expect(
      (await platform.api('PUT', limitsPath('ledger'), { postgres: { poolSize: 3 } })).status,
    ).toBe(400);
    expect((await platform.api('PUT', limitsPath('tracer'), {})).status).toBe(404);
    expect((await platform.api('PUT', limitsPath('ledger'), {}, null)).status).toBe(401);

    // Just registered: still provisioning.
    await platform.api('POST', `/v1/tenants/${tenant}/services`, { product: 'tracer' });
    const early = await platform.api('PUT', limitsPath('tracer'), {
      postgres: { connectionLimit: 2 },
    });
    expect(early.status).toBe(409);
    expect(early.text).toMatch(/only a ready registration/);
    expect(await roleLimits()).toEqual({ connectionLimit: 5, statementTimeout: null });
  });
});
