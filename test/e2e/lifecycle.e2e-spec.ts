import { ServiceReadyPayload, Topics, tenantResourceNames } from '@enclave/contracts';
import { expectEventually, recordExercised } from '@enclave/testing';
import amqp from 'amqplib';
import { Client } from 'pg';
import { PlatformHarness } from './support/platform.harness';
import { TenantCredentials } from './support/tenant-credentials';
import { TenantResources } from './support/tenant-resources';
import { replaySnapshot } from './support/replay-snapshot';

/**
 * The five stages end to end through the public API and Kafka, on real PostgreSQL, MongoDB-
 * compatible server, RabbitMQ and Kafka: an operator creates tenants and registers products, and
 * with no further action each registration becomes Ready with ServiceReady on Kafka.
 */
describe('provisioning lifecycle', () => {
  const platform = new PlatformHarness();
  const a = `a-${platform.runId}`;
  const b = `b-${platform.runId}`;
  const resources = new TenantResources(platform.infra);
  let credentials: TenantCredentials;
  let serviceReady: Awaited<ReturnType<PlatformHarness['collect']>>;

  beforeAll(async () => {
    await platform.start();
    credentials = new TenantCredentials(platform.db.url, platform.encryptionKeyForTests);
    serviceReady = await platform.collect(Topics.ServiceReady);
  }, 180_000);

  afterAll(async () => {
    await platform.stop();
    await resources.cleanUp([a, b, `f-${platform.runId}`, `d-${platform.runId}`]);
    await credentials?.close();
  }, 60_000);

  const readyEventsFor = (tenantId: string, product: string) =>
    serviceReady
      .map((m) => JSON.parse(m.message.value!.toString()) as { payload: ServiceReadyPayload })
      .filter((e) => e.payload.tenantId === tenantId && e.payload.product === product);

  it('rejects anonymous and forged operator calls', async () => {
    expect((await platform.api('GET', '/v1/tenants', undefined, null)).status).toBe(401);
    expect((await platform.api('GET', '/v1/tenants', undefined, 'x'.repeat(48))).status).toBe(401);
  });

  it('SCHEMA mode: a ledger registration becomes Ready with every resource, and ServiceReady is on Kafka', async () => {
    expect(
      (await platform.api('POST', '/v1/tenants', { id: a, displayName: 'Tenant A' })).status,
    ).toBe(201);
    const registered = await platform.api('POST', `/v1/tenants/${a}/services`, {
      product: 'ledger',
    });
    expect(registered.status).toBe(202);
    expect(registered.body.isolationMode).toBe('SCHEMA');

    const ready = await platform.waitForState(a, 'ledger', 'ready');
    expect(
      ready.conditions.map((c: { stage: string; status: string }) => [c.stage, c.status]),
    ).toEqual([
      ['credentials', 'done'],
      ['postgres', 'done'],
      ['migrations', 'done'],
      ['mongodb', 'done'],
      ['rabbitmq', 'done'],
    ]);
    for (const c of ready.conditions) expect(c.durationMs).toBeGreaterThanOrEqual(0);
    await expectEventually(() => expect(readyEventsFor(a, 'ledger')).toHaveLength(1));
    expect(readyEventsFor(a, 'ledger')[0].payload.schemaVersion).toBe(10);

    const names = tenantResourceNames(a, 'ledger', 'SCHEMA');
    expect(await resources.postgres(names)).toEqual({
      roles: 1,
      databases: 1,
      schemas: 1,
      tables: 10,
    });
    expect(await resources.mongoDatabaseExists(names.mongoDatabase)).toBe(true);
    expect(await resources.vhostExists(names.vhost)).toBe(true);

    // The vaulted credentials reach and use the tenant's own resources.
    const pg = await credentials.forPostgres(a, 'ledger');
    const client = new Client({ connectionString: resources.tenantUrl(pg, names.pgDatabase) });
    await client.connect();
    try {
      await client.query(`INSERT INTO organizations (id, name) VALUES (gen_random_uuid(), 'acme')`);
      expect((await client.query('SELECT count(*)::int AS n FROM organizations')).rows[0].n).toBe(
        1,
      );
      expect((await client.query('SELECT current_schema() AS s')).rows[0].s).toBe(names.pgSchema);
    } finally {
      await client.end();
    }
    const rabbit = await credentials.forRabbit(a, 'ledger');
    const connection = await amqp.connect(resources.amqpUrl(rabbit, names.vhost));
    try {
      const channel = await connection.createChannel();
      channel.publish('ledger.events', 'transaction.created', Buffer.from('hello'));
      const got = await expectEventually(async () => {
        const message = await channel.get('ledger.transactions', { noAck: true });
        expect(message).not.toBe(false);
        return message as amqp.GetMessage;
      });
      expect(got.content.toString()).toBe('hello');
    } finally {
      await connection.close();
    }
    recordExercised('RabbitMQ', 'tenant vhost over AMQP with vaulted credentials');
  }, 120_000);

  it('DATABASE mode: a second product for the same tenant leaves the first one untouched', async () => {
    const registered = await platform.api('POST', `/v1/tenants/${a}/services`, {
      product: 'tracer',
    });
    expect(registered.status).toBe(202);
    expect(registered.body.isolationMode).toBe('DATABASE');
    await platform.waitForState(a, 'tracer', 'ready');

    const names = tenantResourceNames(a, 'tracer', 'DATABASE');
    expect(await resources.postgres(names)).toEqual({
      roles: 1,
      databases: 1,
      schemas: 1,
      tables: 2,
    });
    const pg = await credentials.forPostgres(a, 'tracer');
    const client = new Client({ connectionString: resources.tenantUrl(pg, names.pgDatabase) });
    await client.connect();
    await client.query(
      `INSERT INTO traces (id, name, duration_ms) VALUES (gen_random_uuid(), 'boot', 3)`,
    );
    await client.end();

    // The ledger's row from the previous test is still there, through the ledger's own credentials.
    const ledger = await credentials.forPostgres(a, 'ledger');
    const ledgerNames = tenantResourceNames(a, 'ledger', 'SCHEMA');
    const ledgerClient = new Client({
      connectionString: resources.tenantUrl(ledger, ledgerNames.pgDatabase),
    });
    await ledgerClient.connect();
    expect((await ledgerClient.query('SELECT name FROM organizations')).rows).toEqual([
      { name: 'acme' },
    ]);
    await ledgerClient.end();
    expect(pg.username).not.toBe(ledger.username);
    expect(pg.password).not.toBe(ledger.password);
  }, 120_000);

  it("refuses tenant A's credentials on tenant B's schema, database and vhost", async () => {
    await platform.api('POST', '/v1/tenants', { id: b, displayName: 'Tenant B' });
    await platform.api('POST', `/v1/tenants/${b}/services`, { product: 'ledger' });
    await platform.api('POST', `/v1/tenants/${b}/services`, { product: 'tracer' });
    await platform.waitForState(b, 'ledger', 'ready');
    await platform.waitForState(b, 'tracer', 'ready');

    const aLedger = await credentials.forPostgres(a, 'ledger');
    const bLedgerNames = tenantResourceNames(b, 'ledger', 'SCHEMA');
    const shared = new Client({
      connectionString: resources.tenantUrl(aLedger, bLedgerNames.pgDatabase),
    });
    await shared.connect();
    try {
      await expect(
        shared.query(`SELECT * FROM ${bLedgerNames.pgSchema}.organizations`),
      ).rejects.toThrow(/permission denied/);
      await expect(
        shared.query(`SET search_path = ${bLedgerNames.pgSchema}; SELECT * FROM organizations`),
      ).rejects.toThrow(/permission denied|does not exist/);
      await expect(
        shared.query(`CREATE TABLE ${bLedgerNames.pgSchema}.planted (x int)`),
      ).rejects.toThrow(/permission denied/);
    } finally {
      await shared.end();
    }
    const bTracer = tenantResourceNames(b, 'tracer', 'DATABASE');
    const aTracer = await credentials.forPostgres(a, 'tracer');
    const foreign = new Client({
      connectionString: resources.tenantUrl(aTracer, bTracer.pgDatabase),
    });
    await expect(foreign.connect()).rejects.toThrow(/permission denied for database/);

    const aRabbit = await credentials.forRabbit(a, 'ledger');
    // RabbitMQ answers connection.open on a vhost the user may not use with connection.close.
    await expect(amqp.connect(resources.amqpUrl(aRabbit, bLedgerNames.vhost))).rejects.toThrow(
      /ACCESS_REFUSED|NOT_ALLOWED|got <ConnectionClose/,
    );
  }, 120_000);

  it('creates the same tenant and registration twice safely', async () => {
    const again = await platform.api('POST', '/v1/tenants', { id: a, displayName: 'Tenant A' });
    expect(again.status).toBe(200);
    const registration = await platform.api('POST', `/v1/tenants/${a}/services`, {
      product: 'ledger',
    });
    expect(registration.status).toBe(200);
    expect(registration.body.state).toBe('ready');
    expect(readyEventsFor(a, 'ledger')).toHaveLength(1);
  });

  it('answers bad input with a 4xx and a reason, and provisions nothing', async () => {
    const before = await platform.platformQuery<{ n: number }>(
      'SELECT count(*)::int AS n FROM tenant_registry.service_registration',
    );
    const cases: [unknown, number, RegExp][] = [
      [{ product: 'no-such-product' }, 422, /unknown product/],
      [{ product: 'ledger', isolationMode: 'SHARED' }, 400, /isolationMode/],
      [{ product: 'ledger"; DROP ROLE x; --' }, 400, /product/],
      [{ product: 'tracer', isolationMode: 'SCHEMA' }, 409, /DATABASE mode/],
      [{ product: 'ledger', extra: true }, 400, /extra|Unrecognized/],
      ['{"product": ', 400, /JSON|Unexpected|Expected/],
    ];
    for (const [body, status, reason] of cases) {
      const response = await platform.api('POST', `/v1/tenants/${a}/services`, body);
      expect([response.status, response.text]).toEqual([status, expect.stringMatching(reason)]);
    }
    const unknownTenant = await platform.api(
      'POST',
      `/v1/tenants/nobody-${platform.runId}/services`,
      { product: 'ledger' },
    );
    expect(unknownTenant.status).toBe(404);
    const badTenant = await platform.api('POST', '/v1/tenants', {
      id: 'Robert"); DROP TABLE tenant;--',
      displayName: 'x',
    });
    expect(badTenant.status).toBe(400);
    const oversize = await platform.api('POST', '/v1/tenants', {
      id: `o-${platform.runId}`,
      displayName: 'x'.repeat(40_000),
    });
    expect(oversize.status).toBe(413);
    const after = await platform.platformQuery<{ n: number }>(
      'SELECT count(*)::int AS n FROM tenant_registry.service_registration',
    );
    expect(after).toEqual(before);
    expect((await platform.api('GET', `/v1/tenants/o-${platform.runId}`)).status).toBe(404);
  });

  it('ends in Failed with the cause when a stage fails for good, instead of hanging', async () => {
    const f = `f-${platform.runId}`;
    const names = tenantResourceNames(f, 'tracer', 'DATABASE');
    // Someone else already owns the database name the tenant would get: never take it over.
    await resources.createForeignDatabase(names.pgDatabase);
    await platform.api('POST', '/v1/tenants', { id: f, displayName: 'Tenant F' });
    await platform.api('POST', `/v1/tenants/${f}/services`, { product: 'tracer' });
    const failed = await platform.waitForState(f, 'tracer', 'failed');
    const postgres = failed.conditions.find((c: { stage: string }) => c.stage === 'postgres');
    expect(postgres.status).toBe('failed');
    expect(postgres.reason).toMatch(/owned by|already exists|foreign/i);
    expect(await resources.databaseOwner(names.pgDatabase)).toBe('postgres');
  }, 90_000);

  it('retries a Failed registration once its cause is dealt with: Ready, with ServiceReady once', async () => {
    const f = `f-${platform.runId}`;
    const names = tenantResourceNames(f, 'tracer', 'DATABASE');
    const retry = (tenantId: string, product: string) =>
      platform.api('POST', `/v1/tenants/${tenantId}/services/${product}/retry`);
    expect((await retry(f, 'ledger')).status).toBe(404);
    const notFailed = await retry(a, 'ledger');
    expect(notFailed.status).toBe(409);
    expect(notFailed.text).toMatch(/ready; only a failed registration can be retried/);

    await resources.dropForeignDatabase(names.pgDatabase);
    const retried = await retry(f, 'tracer');
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ state: 'provisioning', retries: 1 });
    // Asked twice: the second is refused while the first runs (or once it is ready), not run again.
    expect((await retry(f, 'tracer')).status).toBe(409);

    const ready = await platform.waitForState(f, 'tracer', 'ready');
    expect(ready.retries).toBe(1);
    expect(ready.conditions.map((c: { status: string }) => c.status)).toEqual(
      Array(ready.conditions.length).fill('done'),
    );
    expect(await resources.databaseOwner(names.pgDatabase)).toBe(names.pgRole);
    // The migrations ran too: the same two tables a first attempt makes.
    expect(await resources.postgres(names)).toEqual({
      roles: 1,
      databases: 1,
      schemas: 1,
      tables: 2,
    });
    await expectEventually(() => expect(readyEventsFor(f, 'tracer')).toHaveLength(1));
  }, 90_000);

  it('never puts a secret in an event, a log line or an API response', async () => {
    const secrets = await credentials.allPasswords();
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    const everything = [
      ...(await platform.collectAllTopicsText()),
      ...[...platform.apps.keys()].map((app) => platform.logsOf(app)),
      (await platform.api('GET', `/v1/tenants/${a}`)).text,
      (await platform.api('GET', `/v1/tenants/${b}/services`)).text,
    ].join('\n');
    for (const secret of secrets) expect(everything.includes(secret)).toBe(false);
  }, 60_000);

  it('offboards registrations: every resource, login and secret is gone, once, and the product stays offboarded', async () => {
    const d = `d-${platform.runId}`;
    const f = `f-${platform.runId}`;
    const deprovisioned = await platform.collect(Topics.ServiceDeprovisioned);
    await platform.api('POST', '/v1/tenants', { id: d, displayName: 'Tenant D' });
    await platform.api('POST', `/v1/tenants/${d}/services`, { product: 'ledger' });
    const ledger = await platform.waitForState(d, 'ledger', 'ready');
    const offboard = (tenantId: string, product: string) =>
      platform.api('DELETE', `/v1/tenants/${tenantId}/services/${product}`);
    expect((await offboard(d, 'tracer')).status).toBe(404);

    const accepted = await offboard(d, 'ledger');
    expect(accepted.status).toBe(202);
    expect(accepted.body.state).toBe('deprovisioning');
    expect((await offboard(d, 'ledger')).status).toBe(202); // idempotent
    expect((await offboard(f, 'tracer')).status).toBe(202); // the retried DATABASE-mode one
    const tracer = await platform.waitForState(f, 'tracer', 'deleted');
    await platform.waitForState(d, 'ledger', 'deleted');

    // SCHEMA mode (PostgreSQL, MongoDB, RabbitMQ): the schema and role, the Mongo database, the
    // vhost and user, and the secrets are gone; the product's shared database stays.
    const l = tenantResourceNames(d, 'ledger', 'SCHEMA');
    expect(await resources.postgres(l)).toEqual({ roles: 0, databases: 1, schemas: 0, tables: 0 });
    expect(await resources.mongoDatabaseExists(l.mongoDatabase)).toBe(false);
    expect(await resources.vhostExists(l.vhost)).toBe(false);
    expect(await resources.rabbitUserExists(l.rabbitUser)).toBe(false);
    // DATABASE mode: the database and role are gone.
    const t = tenantResourceNames(f, 'tracer', 'DATABASE');
    expect(await resources.postgres(t)).toEqual({ roles: 0, databases: 0, schemas: 0, tables: 0 });
    const live = await platform.platformQuery<{ path: string }>(
      `SELECT path FROM enclave_vault.secret_version WHERE revoked_at IS NULL AND (path LIKE $1 OR path LIKE $2)`,
      [`tenants/${d}/%`, `tenants/${f}/%`],
    );
    expect(live).toEqual([]);
    const versions = await platform.platformQuery<{ n: number }>(
      'SELECT count(*)::int AS n FROM migration_runner.tenant_schema_version WHERE registration_id IN ($1, $2)',
      [ledger.id, tracer.id],
    );
    expect(versions).toEqual([{ n: 0 }]);
    await expectEventually(() => {
      const ids = deprovisioned.map(
        (m) => JSON.parse(m.message.value!.toString()).payload.registrationId,
      );
      expect(ids.sort()).toEqual([ledger.id, tracer.id].sort());
    });

    const status = await fetch(
      `${platform.apps.get('readiness-aggregator')!.base}/v1/registrations/${ledger.id}`,
      { headers: { authorization: `Bearer ${platform.adminToken}` } },
    ).then(
      (r) =>
        r.json() as Promise<{
          state: string;
          deprovision: { awaiting: string[]; released: Record<string, string> };
        }>,
    );
    expect(status.state).toBe('deleted');
    expect(status.deprovision.awaiting).toEqual([]);
    expect(Object.keys(status.deprovision.released).sort()).toEqual(
      ['credentials', 'migrations', 'mongodb', 'postgres', 'rabbitmq'].sort(),
    );

    // The names are not reused: a late offboarding of the old registration would name them too.
    const again = await platform.api('POST', `/v1/tenants/${d}/services`, { product: 'ledger' });
    expect(again.status).toBe(409);
    expect(again.text).toMatch(/offboarded/);
  }, 120_000);

  it('replaying every lifecycle topic from the beginning creates nothing new and changes no state', async () => {
    // Offboarded registrations included: a replay must not rebuild anything of them.
    const snapshot = () =>
      replaySnapshot(platform, resources, [a, b, `d-${platform.runId}`, `f-${platform.runId}`]);
    const before = await snapshot();
    const readyBefore = serviceReady.length;
    await platform.stopApps();
    // Forget every processed-event record and rewind every consumer group: each handler sees every
    // event again, so only the stages' own idempotency stands between a replay and duplicates.
    await platform.forgetProcessedEvents();
    await platform.rewindConsumerGroups();
    await platform.startApps();
    await platform.waitForConsumersToCatchUp(60_000);
    expect(await snapshot()).toEqual(before);
    expect(serviceReady.length).toBe(readyBefore);
  }, 300_000);
});
