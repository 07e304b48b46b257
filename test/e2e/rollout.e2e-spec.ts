import { ProductManifest, Topics, tenantResourceNames } from '@enclave/contracts';
import { exampleProducts } from '@enclave/product-catalog';
import { expectEventually } from '@enclave/testing';
import { PlatformHarness } from './support/platform.harness';
import { TenantResources } from './support/tenant-resources';

jest.setTimeout(300_000);

/**
 * ledger 1.1.0: a new table, a new column with a default, an index (unique over existing data, so
 * a tenant whose data breaks it fails), a new queue and a new Mongo index.
 */
function ledger110(): ProductManifest {
  const next = structuredClone(exampleProducts.get('ledger')!);
  next.version = '1.1.0';
  next.resources.postgres!.migrations.push({
    version: 11,
    name: 'statements',
    sql: `CREATE TABLE statements (id uuid PRIMARY KEY, account_id uuid NOT NULL REFERENCES accounts (id));
ALTER TABLE accounts ADD COLUMN frozen boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX organizations_name ON organizations (name);`,
  });
  next.resources.rabbitmq!.queues.push({ name: 'ledger.statements' });
  next.resources.mongodb!.collections[0].indexes.push({
    name: 'by_created',
    key: { createdAt: -1 },
    unique: false,
  });
  return next;
}

const SCHEMA_TENANTS = 20;
const DATABASE_TENANTS = 10;

/**
 * A product version rolled out to every Ready tenant of the product, on the real servers: canary
 * group first, a failing canary pauses it before any other tenant is touched, the operator fixes
 * the tenant's data and resumes, and every tenant ends at the new version, checked on PostgreSQL,
 * RabbitMQ and MongoDB directly.
 */
describe('rollouts', () => {
  const platform = new PlatformHarness();
  const resources = new TenantResources(platform.infra);
  const id = (i: number) => `ro${String(i).padStart(2, '0')}-${platform.runId}`;
  const tenants = Array.from({ length: SCHEMA_TENANTS + DATABASE_TENANTS }, (_, i) => id(i));
  const modeOf = (tenant: string) =>
    tenants.indexOf(tenant) < SCHEMA_TENANTS ? ('SCHEMA' as const) : ('DATABASE' as const);
  const late = `rolate-${platform.runId}`;
  const [canaryOk, poisoned, canaryOk2] = [tenants[0], tenants[1], tenants[SCHEMA_TENANTS]];
  const canary = [canaryOk, poisoned, canaryOk2];
  let rolloutId: string;
  let stateChanges: Awaited<ReturnType<PlatformHarness['collect']>>;

  const rollout = async () =>
    (await platform.api('GET', `/v1/products/ledger/rollouts/${rolloutId}`)).body;

  /** What a tenant looks like on the servers: which of 1.1.0's additions it has. */
  async function onServers(tenant: string, mode: 'SCHEMA' | 'DATABASE' = modeOf(tenant)) {
    const names = tenantResourceNames(tenant, 'ledger', mode);
    const [tables, columns, indexes, applied] = await Promise.all([
      resources.queryIn<{ n: number }>(
        names.pgDatabase,
        `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1 AND tablename = 'statements'`,
        [names.pgSchema],
      ),
      resources.queryIn<{ n: number }>(
        names.pgDatabase,
        `SELECT count(*)::int AS n FROM information_schema.columns
          WHERE table_schema = $1 AND table_name = 'accounts' AND column_name = 'frozen'`,
        [names.pgSchema],
      ),
      resources.queryIn<{ n: number }>(
        names.pgDatabase,
        `SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = $1 AND indexname = 'organizations_name'`,
        [names.pgSchema],
      ),
      resources.queryIn<{ n: number }>(
        names.pgDatabase,
        `SELECT count(*)::int AS n FROM "${names.pgSchema}".enclave_schema_migrations WHERE version = 11`,
      ),
    ]);
    return {
      table: tables[0].n,
      column: columns[0].n,
      index: indexes[0].n,
      migration11: applied[0].n,
      queue: await resources.queueExists(names.vhost, 'ledger.statements'),
      mongoIndex: (await resources.mongoIndexes(names.mongoDatabase, 'metadata')).includes(
        'by_created',
      ),
    };
  }
  /** One tenant after another: each look opens a few PostgreSQL connections. */
  async function serversOf(list: string[]) {
    const seen = [];
    for (const tenant of list) seen.push(await onServers(tenant));
    return seen;
  }
  const AT_110 = { table: 1, column: 1, index: 1, migration11: 1, queue: true, mongoIndex: true };
  const AT_100 = { table: 0, column: 0, index: 0, migration11: 0, queue: false, mongoIndex: false };

  beforeAll(async () => {
    await platform.start();
    stateChanges = await platform.collect(Topics.RolloutStateChanged);
    expect(
      (await platform.api('PUT', '/v1/products/ledger/versions/1.1.0', ledger110())).status,
    ).toBe(201);
    for (const tenant of tenants) {
      expect(
        (await platform.api('POST', '/v1/tenants', { id: tenant, displayName: tenant })).status,
      ).toBe(201);
      const registered = await platform.api('POST', `/v1/tenants/${tenant}/services`, {
        product: 'ledger',
        isolationMode: modeOf(tenant),
      });
      expect(registered.status).toBe(202);
    }
    await expectEventually(
      async () => {
        const [{ n }] = await platform.platformQuery<{ n: number }>(
          `SELECT count(*)::int AS n FROM tenant_registry.service_registration
            WHERE tenant_id = ANY($1) AND state = 'ready'`,
          [tenants],
        );
        expect(n).toBe(tenants.length);
      },
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    // The poisoned canary's data breaks 1.1.0's unique index: two organizations with one name.
    const names = tenantResourceNames(poisoned, 'ledger', 'SCHEMA');
    await resources.queryIn(
      names.pgDatabase,
      `INSERT INTO "${names.pgSchema}".organizations (id, name)
       VALUES (gen_random_uuid(), 'twin'), (gen_random_uuid(), 'twin')`,
    );
  }, 300_000);

  afterAll(async () => {
    await platform.stop();
    await resources.cleanUp(
      [...tenants, late],
      [
        ['ledger', 'SCHEMA'],
        ['ledger', 'DATABASE'],
      ],
    );
  }, 120_000);

  it('refuses a rollout it cannot run, with the reason, and starts nothing', async () => {
    const start = (body: unknown, product = 'ledger') =>
      platform.api('POST', `/v1/products/${product}/rollouts`, body);
    expect((await start({ targetVersion: '1.1.0' }, 'nope')).status).toBe(404);
    const unpublished = await start({ targetVersion: '9.0.0' });
    expect(unpublished.status).toBe(422);
    expect(unpublished.body.message).toMatch(/no published version 9\.0\.0/);
    const stranger = await start({ targetVersion: '1.1.0', canary: { tenants: ['nobody-here'] } });
    expect(stranger.status).toBe(422);
    expect(stranger.body.message).toMatch(/nobody-here/);
    expect((await start({ targetVersion: 'v1' })).status).toBe(400);
    expect((await start({ targetVersion: '1.1.0', concurrency: 0 })).status).toBe(400);
    expect((await platform.api('GET', '/v1/products/ledger/rollouts')).body).toEqual([]);
    expect((await platform.api('GET', '/v1/products/nope/rollouts')).status).toBe(404);
    expect((await platform.api('GET', '/v1/products/nope/fleet')).status).toBe(404);
  });

  it('pauses when a canary tenant fails, before any tenant outside the canary is touched', async () => {
    const started = await platform.api('POST', '/v1/products/ledger/rollouts', {
      targetVersion: '1.1.0',
      canary: { tenants: canary },
      concurrency: 4,
      failureBudget: 0,
    });
    expect(started.status).toBe(202);
    rolloutId = started.body.id;
    const second = await platform.api('POST', '/v1/products/ledger/rollouts', {
      targetVersion: '1.1.0',
    });
    expect(second.status).toBe(409);

    const paused = await expectEventually(
      async () => {
        const view = await rollout();
        expect(view.state).toBe('paused');
        expect(view.counts.upgrading).toBe(0); // the canaries under way have reported
        return view;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(paused.reason).toMatch(new RegExp(`failure budget spent: ${poisoned}: migrations: `));
    expect(paused.counts).toEqual({
      pending: tenants.length - 3,
      upgrading: 0,
      done: 2,
      skipped: 0,
      failed: 1,
    });
    const failed = paused.tenants.find((t: { tenantId: string }) => t.tenantId === poisoned);
    expect(failed).toMatchObject({ state: 'failed', canary: true, fromVersion: '1.0.0' });

    // On the servers: the two good canaries are at 1.1.0, the poisoned one whole at 1.0.0 (its
    // migration rolled back), and not one of the others was touched.
    expect(await onServers(canaryOk)).toEqual(AT_110);
    expect(await onServers(canaryOk2)).toEqual(AT_110);
    const poisonedNow = await onServers(poisoned);
    expect(poisonedNow).toMatchObject({ table: 0, column: 0, index: 0, migration11: 0 });
    for (const tenant of tenants.filter((t) => !canary.includes(t))) {
      expect(await onServers(tenant)).toEqual(AT_100);
    }
    // The registry says who is behind, and why.
    const behind = await platform.api('GET', `/v1/tenants/${poisoned}/services/ledger`);
    expect(behind.body).toMatchObject({
      productVersion: '1.0.0',
      schemaVersion: 10,
      upgrade: { rolloutId, toVersion: '1.1.0', state: 'failed' },
    });
    expect(behind.body.upgrade.reason).toMatch(/^migrations: /);
    const ahead = await platform.api('GET', `/v1/tenants/${canaryOk}/services/ledger`);
    expect(ahead.body).toMatchObject({ productVersion: '1.1.0', schemaVersion: 11, upgrade: null });
    // The product's view: tenants per version, who is behind and why, the rollout's progress.
    const fleet = (await platform.api('GET', '/v1/products/ledger/fleet')).body;
    expect(fleet).toMatchObject({
      current: '1.0.0',
      tenantsAtVersion: { '1.0.0': tenants.length - 2, '1.1.0': 2 },
      behind: [{ tenantId: poisoned, productVersion: '1.0.0', upgrade: { state: 'failed' } }],
      rollouts: [{ id: rolloutId, state: 'paused', counts: paused.counts }],
    });
  });

  it('starts a tenant registered while the rollout is under way at its target', async () => {
    expect(
      (await platform.api('POST', '/v1/tenants', { id: late, displayName: late })).status,
    ).toBe(201);
    const registered = await platform.api('POST', `/v1/tenants/${late}/services`, {
      product: 'ledger',
    });
    expect(registered.body).toMatchObject({ productVersion: '1.1.0', schemaVersion: 11 });
    await platform.waitForState(late, 'ledger', 'ready');
    expect(await onServers(late, 'SCHEMA')).toEqual(AT_110);
  });

  it('resumes once the cause is dealt with, and brings every tenant to the version', async () => {
    const names = tenantResourceNames(poisoned, 'ledger', 'SCHEMA');
    await resources.queryIn(
      names.pgDatabase,
      `DELETE FROM "${names.pgSchema}".organizations WHERE name = 'twin'`,
    );
    const resumed = await platform.api('POST', `/v1/products/ledger/rollouts/${rolloutId}/resume`);
    expect(resumed.status).toBe(200);
    expect(
      (await platform.api('POST', `/v1/products/ledger/rollouts/${rolloutId}/resume`)).status,
    ).toBe(409);

    const completed = await expectEventually(
      async () => {
        const view = await rollout();
        expect(view.state).toBe('completed');
        return view;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    expect(completed.counts).toEqual({
      pending: 0,
      upgrading: 0,
      done: tenants.length,
      skipped: 0,
      failed: 0,
    });
    for (const t of completed.tenants) expect(t.durationMs).toBeGreaterThanOrEqual(0);
    // Every tenant, in both modes, has every addition, each migration applied exactly once.
    for (const tenant of tenants) expect(await onServers(tenant)).toEqual(AT_110);
    const fleet = (await platform.api('GET', '/v1/products/ledger/fleet')).body;
    expect(fleet).toMatchObject({
      current: '1.1.0',
      tenantsAtVersion: { '1.1.0': tenants.length + 1 },
      behind: [],
    });
    const versions = await platform.platformQuery<{ product_version: string; n: number }>(
      `SELECT product_version, count(*)::int AS n FROM tenant_registry.service_registration
        WHERE tenant_id = ANY($1) GROUP BY product_version`,
      [[...tenants, late]],
    );
    expect(versions).toEqual([{ product_version: '1.1.0', n: tenants.length + 1 }]);
  });

  it('finishes at once, every tenant skipped, when everyone is at the version already', async () => {
    const started = await platform.api('POST', '/v1/products/ledger/rollouts', {
      targetVersion: '1.1.0',
    });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ state: 'completed' });
    expect(started.body.counts).toMatchObject({ skipped: tenants.length + 1, done: 0, pending: 0 });
    // And never backwards.
    const older = await platform.api('POST', '/v1/products/ledger/rollouts', {
      targetVersion: '1.0.0',
    });
    expect(older.status).toBe(409);
    expect(older.body.message).toMatch(/never goes back/);
  });

  it('replaying every topic from the beginning changes nothing: each migration stays applied once', async () => {
    const snapshot = async () => ({
      rollouts: await platform.platformQuery(
        `SELECT id, state, failures, completed_at FROM tenant_registry.rollout ORDER BY created_at`,
      ),
      tenants: await platform.platformQuery(
        `SELECT rollout_id, registration_id, state, reason, awaiting FROM tenant_registry.rollout_tenant
          ORDER BY rollout_id, registration_id`,
      ),
      registrations: await platform.platformQuery(
        `SELECT id, product_version, upgrade, state FROM tenant_registry.service_registration ORDER BY id`,
      ),
      servers: await serversOf(tenants),
    });
    const before = await snapshot();
    const changesBefore = stateChanges.length;
    await platform.stopApps();
    // Every handler sees every event again: only the stages' own idempotency stands in the way.
    await platform.forgetProcessedEvents();
    await platform.rewindConsumerGroups();
    await platform.startApps();
    await platform.waitForConsumersToCatchUp(120_000);
    expect(await snapshot()).toEqual(before);
    expect(stateChanges.length).toBe(changesBefore);
  });
});
