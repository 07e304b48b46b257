import {
  ServiceDeprovisionRequestedPayload,
  TenantOffboardedPayload,
  Topics,
  tenantResourceNames,
} from '@enclave/contracts';
import { PlatformTenantResolver, UnknownTenantError } from '@enclave/tenancy-sdk';
import { expectEventually, recordExercised } from '@enclave/testing';
import { PlatformHarness } from './support/platform.harness';
import { TenantResources } from './support/tenant-resources';

interface Envelope<P> {
  readonly tenantId: string;
  readonly causationId: string | null;
  readonly payload: P;
}

/**
 * Offboarding a whole tenant through the admin API, on the real platform and servers: one request
 * offboards every registration exactly as offboarding them one by one does, nothing of the tenant is
 * left on any server, the tenant stays as `deleted`, and TenantOffboarded is published once.
 */
describe('tenant offboarding', () => {
  const platform = new PlatformHarness();
  /** Two products: ledger in SCHEMA mode (PostgreSQL, MongoDB, RabbitMQ), tracer in DATABASE mode. */
  const tenant = `to-${platform.runId}`;
  /** Held in provisioning while the migration-runner is stopped. */
  const pending = `tp-${platform.runId}`;
  /** Never registered anything. */
  const empty = `te-${platform.runId}`;
  const resources = new TenantResources(platform.infra);
  let offboardedEvents: Awaited<ReturnType<PlatformHarness['collect']>>;
  let requestedEvents: Awaited<ReturnType<PlatformHarness['collect']>>;
  let ledgerToken: string;

  const decoded = <P>(messages: typeof offboardedEvents, tenantId: string) =>
    messages
      .map((m) => JSON.parse(m.message.value!.toString()) as Envelope<P>)
      .filter((e) => e.tenantId === tenantId);
  const offboardedOf = (tenantId: string) =>
    decoded<TenantOffboardedPayload>(offboardedEvents, tenantId);
  const requestedOf = (tenantId: string) =>
    decoded<ServiceDeprovisionRequestedPayload>(requestedEvents, tenantId);
  const offboard = (tenantId: string, body?: unknown) =>
    platform.api('POST', `/v1/tenants/${tenantId}/offboard`, body);
  const connection = (tenantId: string) =>
    platform.api(
      'GET',
      `/v1/products/ledger/tenants/${tenantId}/connection`,
      undefined,
      ledgerToken,
    );
  const waitForTenant = (tenantId: string, status: string) =>
    expectEventually(
      async () => {
        const { body } = await platform.api('GET', `/v1/tenants/${tenantId}`);
        expect(body.status).toBe(status);
        return body;
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    );
  /** Nothing of (tenant, product, mode) on any server: PostgreSQL, MongoDB, RabbitMQ, the vault. */
  const expectNoResidue = async (
    tenantId: string,
    product: 'ledger' | 'tracer',
    mode: 'SCHEMA' | 'DATABASE',
  ) => {
    const names = tenantResourceNames(tenantId, product, mode);
    // SCHEMA mode keeps the product's shared database; its tenant schema and role are gone.
    expect(await resources.postgres(names)).toEqual({
      roles: 0,
      databases: mode === 'SCHEMA' ? 1 : 0,
      schemas: 0,
      tables: 0,
    });
    expect(await resources.mongoDatabaseExists(names.mongoDatabase)).toBe(false);
    expect(await resources.vhostExists(names.vhost)).toBe(false);
    expect(await resources.rabbitUserExists(names.rabbitUser)).toBe(false);
    const live = await platform.platformQuery<{ path: string }>(
      'SELECT path FROM enclave_vault.secret_version WHERE revoked_at IS NULL AND path LIKE $1',
      [`tenants/${tenantId}/%`],
    );
    expect(live).toEqual([]);
  };

  beforeAll(async () => {
    await platform.start();
    offboardedEvents = await platform.collect(Topics.TenantOffboarded);
    requestedEvents = await platform.collect(Topics.ServiceDeprovisionRequested);
    for (const id of [tenant, pending, empty]) {
      expect((await platform.api('POST', '/v1/tenants', { id, displayName: id })).status).toBe(201);
    }
    await platform.api('POST', `/v1/tenants/${tenant}/services`, { product: 'ledger' });
    await platform.api('POST', `/v1/tenants/${tenant}/services`, { product: 'tracer' });
    await platform.waitForState(tenant, 'ledger', 'ready', 120_000);
    await platform.waitForState(tenant, 'tracer', 'ready', 120_000);
    ledgerToken = (await platform.api('POST', '/v1/products/ledger/api-token')).body.token;
  }, 240_000);

  afterAll(async () => {
    await platform.stop();
    await resources.cleanUp([tenant, pending, empty]);
  }, 60_000);

  it('offboards a tenant with a SCHEMA and a DATABASE product in one request: deleted, TenantOffboarded once, nothing left anywhere', async () => {
    const names = tenantResourceNames(tenant, 'ledger', 'SCHEMA');
    expect(await resources.vhostExists(names.vhost)).toBe(true); // there is something to remove
    expect((await connection(tenant)).status).toBe(200);
    const registrations = (await platform.api('GET', `/v1/tenants/${tenant}/services`)).body as {
      id: string;
      product: string;
    }[];

    const accepted = await offboard(tenant, { reason: 'contract ended' });
    expect(accepted.status).toBe(202);
    expect(accepted.body.status).toBe('offboarding');
    expect(accepted.body.offboardReason).toBe('contract ended');
    expect(accepted.body.services.map((s: { state: string }) => s.state)).toEqual([
      'deprovisioning',
      'deprovisioning',
    ]);
    // From the request on, products get 404 for it, never credentials.
    expect((await connection(tenant)).status).toBe(404);
    // A repeat while it runs is accepted and asks nothing again.
    const repeated = await offboard(tenant, { reason: 'asked twice' });
    expect([200, 202]).toContain(repeated.status);

    const deleted = await waitForTenant(tenant, 'deleted');
    expect(deleted.offboardReason).toBe('contract ended');
    expect(deleted.deletedAt).toEqual(expect.any(String));
    expect(deleted.displayName).toBe(tenant); // its data kept
    expect(deleted.services.map((s: { state: string }) => s.state)).toEqual(['deleted', 'deleted']);

    await expectNoResidue(tenant, 'ledger', 'SCHEMA');
    await expectNoResidue(tenant, 'tracer', 'DATABASE');
    recordExercised('RabbitMQ', "a whole tenant's offboarding leaves no vhost or user");
    const versions = await platform.platformQuery<{ n: number }>(
      'SELECT count(*)::int AS n FROM migration_runner.tenant_schema_version WHERE registration_id = ANY($1::uuid[])',
      [registrations.map((r) => r.id)],
    );
    expect(versions).toEqual([{ n: 0 }]);

    const [event] = await expectEventually(() => {
      const events = offboardedOf(tenant);
      expect(events).toHaveLength(1);
      return events;
    });
    expect(event.payload).toEqual({
      tenantId: tenant,
      products: ['ledger', 'tracer'],
      reason: 'contract ended',
      requestedAt: expect.any(String),
    });
    // Caused by the last registration's ServiceDeprovisioned, not by the request.
    expect(event.causationId).toEqual(expect.any(String));

    // Once deleted, a repeat is 200 and changes nothing.
    const again = await offboard(tenant);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('deleted');
    expect(again.body.deletedAt).toBe(deleted.deletedAt);

    // A deleted tenant takes no new work, and its id is not given out again.
    const register = await platform.api('POST', `/v1/tenants/${tenant}/services`, {
      product: 'ledger',
    });
    expect(register.status).toBe(409);
    expect(register.text).toMatch(/deleted/);
    const suspend = await platform.api('POST', `/v1/tenants/${tenant}/suspend`, { reason: 'x' });
    expect(suspend.status).toBe(409);
    expect((await platform.api('POST', `/v1/tenants/${tenant}/resume`)).status).toBe(409);
    const recreate = await platform.api('POST', '/v1/tenants', {
      id: tenant,
      displayName: tenant,
    });
    expect(recreate.status).toBe(409);
    expect(recreate.text).toMatch(/offboarded/);
    expect((await connection(tenant)).status).toBe(404);
    // What a product using the SDK sees: an unknown tenant, never credentials.
    const resolver = new PlatformTenantResolver({
      url: platform.apps.get('tenant-registry')!.base,
      token: ledgerToken,
      endpoints: { postgres: { host: '127.0.0.1', port: 5432 } },
    });
    await expect(resolver.resolve(tenant, 'ledger')).rejects.toBeInstanceOf(UnknownTenantError);
    expect((await platform.api('GET', `/v1/tenants/${tenant}`)).body.status).toBe('deleted');

    // A tenant with no registration is deleted at once. Its event coming through
    // after the repeats above shows they published nothing more.
    // A bare POST, no body and no content type, as `curl -X POST` sends it.
    const direct = await fetch(
      `${platform.apps.get('tenant-registry')!.base}/v1/tenants/${empty}/offboard`,
      { method: 'POST', headers: { authorization: `Bearer ${platform.adminToken}` } },
    );
    expect(direct.status).toBe(200);
    expect(await direct.json()).toMatchObject({ status: 'deleted', services: [] });
    await expectEventually(() => expect(offboardedOf(empty)).toHaveLength(1));
    expect(offboardedOf(empty)[0].payload.products).toEqual([]);
    expect(offboardedOf(tenant)).toHaveLength(1);
    // One ServiceDeprovisionRequested per registration, for three offboarding requests.
    expect(requestedOf(tenant).map((e) => e.payload.product)).toEqual(
      expect.arrayContaining(['ledger', 'tracer']),
    );
    expect(requestedOf(tenant)).toHaveLength(2);
  }, 180_000);

  it('refuses to offboard a tenant while a registration is provisioning, changing nothing, and offboards it once ready', async () => {
    await platform.stopApps(['migration-runner']);
    try {
      expect(
        (await platform.api('POST', `/v1/tenants/${pending}/services`, { product: 'ledger' }))
          .status,
      ).toBe(202);
      // A body with a stray key is refused before anything is looked at.
      expect((await offboard(pending, { reason: 'x', force: true })).status).toBe(400);
      const refused = await offboard(pending, { reason: 'too early' });
      expect(refused.status).toBe(409);
      expect(refused.text).toMatch(/ledger for tp-\w+ is provisioning/);
      const unchanged = (await platform.api('GET', `/v1/tenants/${pending}`)).body;
      expect(unchanged.status).toBe('active');
      expect(unchanged.offboardReason).toBeNull();
      expect(unchanged.services.map((s: { state: string }) => s.state)).toEqual(['provisioning']);
      expect(requestedOf(pending)).toEqual([]);
    } finally {
      await platform.startApps(['migration-runner']);
    }
    await platform.waitForState(pending, 'ledger', 'ready', 120_000);

    expect((await offboard(pending)).status).toBe(202);
    await waitForTenant(pending, 'deleted');
    await expectNoResidue(pending, 'ledger', 'SCHEMA');
    await expectEventually(() => expect(offboardedOf(pending)).toHaveLength(1));
    expect(offboardedOf(pending)[0].payload.reason).toBeNull();
  }, 240_000);

  it('replaying every lifecycle topic rebuilds nothing of an offboarded tenant and announces nothing again', async () => {
    const before = offboardedEvents.length;
    await platform.stopApps();
    // Every handler sees every event again: only the stages' own checks stand in the way.
    await platform.forgetProcessedEvents();
    await platform.rewindConsumerGroups();
    await platform.startApps();
    await platform.waitForConsumersToCatchUp(120_000);
    for (const id of [tenant, pending]) {
      expect((await platform.api('GET', `/v1/tenants/${id}`)).body.status).toBe('deleted');
    }
    await expectNoResidue(tenant, 'ledger', 'SCHEMA');
    await expectNoResidue(tenant, 'tracer', 'DATABASE');
    await expectNoResidue(pending, 'ledger', 'SCHEMA');
    expect(offboardedEvents.length).toBe(before);
  }, 400_000);
});
