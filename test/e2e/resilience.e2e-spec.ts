import { ProductName, ServiceReadyPayload, Topics, tenantResourceNames } from '@enclave/contracts';
import { ServiceProcess, expectEventually, recordExercised } from '@enclave/testing';
import { MongoClient } from 'mongodb';
import { Client } from 'pg';
import { APPS, PlatformHarness } from './support/platform.harness';
import { TenantResources } from './support/tenant-resources';

const STAGE_APPS = APPS.filter((app) => app !== 'tenant-registry');
const TENANTS = 40;

/**
 * The brief's reliability bar, on real servers: every stage app runs as two replicas in one consumer
 * group; while onboardings are under way every primary (and the registry) is killed with SIGKILL and
 * started again, then, mid-way through a second batch, every replica is killed for good. Every
 * registration must still become Ready, with each resource, secret, migration and ServiceReady made
 * exactly once and nothing left over.
 */
describe('resilience: two replicas per stage, and kill -9 in the middle of onboardings', () => {
  const platform = new PlatformHarness();
  const resources = new TenantResources(platform.infra);
  const replicas: ServiceProcess[] = [];
  const tenants = Array.from({ length: TENANTS }, (_, i) => `k${i}-${platform.runId}`);
  // Even tenants take the ledger (SCHEMA: postgres, migrations, mongodb, rabbitmq), odd ones the
  // tracer (DATABASE: its own database, migrations).
  const productOf = (i: number): ProductName => (i % 2 === 0 ? 'ledger' : 'tracer');
  const modeOf = (i: number) => (i % 2 === 0 ? 'SCHEMA' : 'DATABASE');
  let serviceReady: Awaited<ReturnType<PlatformHarness['collect']>>;

  beforeAll(async () => {
    await platform.start();
    serviceReady = await platform.collect(Topics.ServiceReady);
    const started = STAGE_APPS.map((app, i) => {
      const port = platform.extraPort(i);
      const replica = new ServiceProcess(`apps/${app}/src/main.ts`, platform.appEnv(port)).start();
      replicas.push(replica);
      return replica.waitForHttp(`http://127.0.0.1:${port}/health/ready`, 120_000);
    });
    await Promise.all(started);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop('SIGKILL')));
    await platform.stop();
    await resources.cleanUp(tenants, [
      ['ledger', 'SCHEMA'],
      ['tracer', 'DATABASE'],
    ]);
  }, 120_000);

  const readyCount = async () =>
    (
      await platform.platformQuery<{ n: number }>(
        `SELECT count(*)::int AS n FROM tenant_registry.service_registration
          WHERE tenant_id = ANY($1) AND state = 'ready'`,
        [tenants],
      )
    )[0].n;

  it('every registration becomes Ready exactly once, with nothing duplicated or orphaned', async () => {
    const half = TENANTS / 2;
    // Round 1: the first half registered at once; as soon as one is Ready, SIGKILL every primary
    // (the registry too), so the rest are mid-flight in every stage and only the replicas go on.
    await registerAll(tenants.slice(0, half));
    await untilReady(1);
    await platform.stopApps(APPS, 'SIGKILL');
    const readyAtFirstKill = await readyCount();
    expect(readyAtFirstKill).toBeLessThan(half);
    await platform.startApps(APPS);

    // Round 2: the second half; as soon as one of them is Ready, SIGKILL every replica instead, and
    // leave them down: the restarted primaries take their partitions over.
    await registerAll(tenants.slice(half));
    await untilReady(half + 1);
    await Promise.all(replicas.map((r) => r.stop('SIGKILL')));
    const readyAtSecondKill = await readyCount();
    expect(readyAtSecondKill).toBeLessThan(TENANTS);

    try {
      await expectEventually(async () => expect(await readyCount()).toBe(TENANTS), {
        timeoutMs: 180_000,
        intervalMs: 500,
      });
    } catch (error) {
      const states = await platform.platformQuery(
        `SELECT tenant_id, product, state, conditions FROM tenant_registry.service_registration
          WHERE tenant_id = ANY($1) AND state <> 'ready'`,
        [tenants],
      );
      throw new Error(`${(error as Error).message}\nnot ready: ${JSON.stringify(states)}`);
    }
    await platform.waitForConsumersToCatchUp(90_000);

    // One registration row, and one ServiceReady event (the relay may repeat a message, never mint a
    // second event), per tenant-service.
    const registrations = await platform.platformQuery<{ tenant_id: string; n: number }>(
      `SELECT tenant_id, count(*)::int AS n FROM tenant_registry.service_registration
        WHERE tenant_id = ANY($1) GROUP BY tenant_id ORDER BY tenant_id`,
      [tenants],
    );
    expect(registrations).toEqual([...tenants].sort().map((t) => ({ tenant_id: t, n: 1 })));
    const readyIds = new Map<string, Set<string>>();
    for (const m of serviceReady) {
      const event = JSON.parse(m.message.value!.toString()) as {
        id: string;
        payload: ServiceReadyPayload;
      };
      const key = `${event.payload.tenantId}/${event.payload.product}`;
      readyIds.set(key, (readyIds.get(key) ?? new Set()).add(event.id));
    }
    expect(tenants.map((t, i) => [t, readyIds.get(`${t}/${productOf(i)}`)?.size ?? 0])).toEqual(
      tenants.map((t) => [t, 1]),
    );

    // Each credential generated once: one vault version per (tenant, service, resource).
    const secrets = await platform.platformQuery<{ path: string; versions: number }>(
      `SELECT path, count(*)::int AS versions FROM enclave_vault.secret_version
        WHERE path LIKE ANY($1) GROUP BY path ORDER BY path`,
      [tenants.map((t) => `tenants/${t}/%`)],
    );
    const expectedPaths = tenants
      .flatMap((t, i) =>
        (productOf(i) === 'ledger' ? ['mongodb', 'postgres', 'rabbitmq'] : ['postgres']).map(
          (r) => `tenants/${t}/${productOf(i)}/${r}`,
        ),
      )
      .sort();
    expect(secrets).toEqual(expectedPaths.map((path) => ({ path, versions: 1 })));

    // Every resource exactly where it belongs, each migration applied once.
    for (const [i, tenant] of tenants.entries()) {
      const names = tenantResourceNames(tenant, productOf(i), modeOf(i));
      expect({ tenant, ...(await resources.postgres(names)) }).toEqual({
        tenant,
        roles: 1,
        databases: 1,
        schemas: 1,
        tables: productOf(i) === 'ledger' ? 10 : 2,
      });
      expect({ tenant, migrations: await appliedMigrations(names) }).toEqual({
        tenant,
        migrations: productOf(i) === 'ledger' ? 10 : 2,
      });
      if (productOf(i) === 'ledger') {
        expect({ tenant, vhost: await resources.vhostExists(names.vhost) }).toEqual({
          tenant,
          vhost: true,
        });
      }
    }

    // Nothing left over: the only objects named after this run's tenants are the expected ones.
    const marker = `_${platform.runId}__`;
    const expected = (
      pick: (n: ReturnType<typeof tenantResourceNames>) => string,
      only?: ProductName,
    ) =>
      tenants
        .flatMap((t, i) =>
          only && productOf(i) !== only
            ? []
            : [pick(tenantResourceNames(t, productOf(i), modeOf(i)))],
        )
        .sort();
    const admin = new Client({ connectionString: platform.infra.pgAdminUrl });
    await admin.connect();
    try {
      const roles = await admin.query(
        `SELECT rolname AS name FROM pg_roles WHERE strpos(rolname, $1) > 0 ORDER BY 1`,
        [marker],
      );
      expect(roles.rows.map((r) => r.name)).toEqual(expected((n) => n.pgRole));
      const databases = await admin.query(
        `SELECT datname AS name FROM pg_database WHERE strpos(datname, $1) > 0 ORDER BY 1`,
        [marker],
      );
      expect(databases.rows.map((r) => r.name)).toEqual(expected((n) => n.pgDatabase, 'tracer'));
    } finally {
      await admin.end();
    }
    expect(await rabbitVhostsContaining(marker)).toEqual(expected((n) => n.vhost, 'ledger'));
    expect(await mongoDatabasesContaining(marker)).toEqual(
      expected((n) => n.mongoDatabase, 'ledger'),
    );

    // No event was given up on.
    expect(await deadLettered()).toBe(0);
    recordExercised(
      'Kafka',
      `kill -9 of all ${APPS.length} platform apps, then of ${STAGE_APPS.length} replicas, mid-onboarding (${readyAtFirstKill}/${half} and ${readyAtSecondKill}/${TENANTS} ready at the kills)`,
    );
  }, 420_000);

  async function registerAll(batch: string[]): Promise<void> {
    await Promise.all(
      batch.map(async (tenant) => {
        const i = tenants.indexOf(tenant);
        const created = await platform.api('POST', '/v1/tenants', {
          id: tenant,
          displayName: tenant,
        });
        expect(created.status).toBe(201);
        const registered = await platform.api('POST', `/v1/tenants/${tenant}/services`, {
          product: productOf(i),
        });
        expect(registered.status).toBe(202);
      }),
    );
  }

  async function untilReady(n: number): Promise<void> {
    await expectEventually(async () => expect(await readyCount()).toBeGreaterThanOrEqual(n), {
      timeoutMs: 60_000,
      intervalMs: 20,
    });
  }

  async function appliedMigrations(names: ReturnType<typeof tenantResourceNames>) {
    const url = new URL(platform.infra.pgAdminUrl);
    url.pathname = `/${names.pgDatabase}`;
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT count(*)::int AS n FROM ${client.escapeIdentifier(names.pgSchema)}.enclave_schema_migrations`,
      );
      return rows[0].n as number;
    } finally {
      await client.end();
    }
  }

  async function rabbitVhostsContaining(marker: string): Promise<string[]> {
    const url = new URL(platform.infra.rabbitmqMgmtUrl);
    const response = await fetch(`${url.origin}/api/vhosts?columns=name`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`,
      },
    });
    const vhosts = (await response.json()) as { name: string }[];
    return vhosts
      .map((v) => v.name)
      .filter((name) => name.includes(marker))
      .sort();
  }

  async function mongoDatabasesContaining(marker: string): Promise<string[]> {
    const client = await new MongoClient(platform.infra.mongoUrl).connect();
    try {
      const { databases } = await client.db('admin').admin().listDatabases();
      return databases
        .map((d) => d.name)
        .filter((name) => name.includes(marker))
        .sort();
    } finally {
      await client.close();
    }
  }

  async function deadLettered(): Promise<number> {
    const admin = platform.kafka.admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter(
        (t) => t.startsWith(platform.topicPrefix) && t.endsWith('.dlq'),
      );
      let n = 0;
      for (const topic of topics) {
        for (const p of await admin.fetchTopicOffsets(topic)) n += Number(p.high) - Number(p.low);
      }
      return n;
    } finally {
      await admin.disconnect();
    }
  }
});
