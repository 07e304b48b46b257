import {
  IsolationMode,
  ProductName,
  ServiceReadyPayload,
  Topics,
  tenantResourceNames,
} from '@enclave/contracts';
import { collectTopic, expectEventually } from '@enclave/testing';
import { MongoClient } from 'mongodb';
import { Client } from 'pg';
import { PlatformHarness } from './platform.harness';
import { TenantResources } from './tenant-resources';

type Names = ReturnType<typeof tenantResourceNames>;

/**
 * A batch of onboardings for the reliability tests: even tenants take the ledger (SCHEMA:
 * postgres, migrations, mongodb, rabbitmq), odd ones the tracer (DATABASE: its own database,
 * migrations). It registers them through the admin API and then checks, on every server, that each
 * became Ready with everything made exactly once and nothing left over.
 */
export class OnboardingBatch {
  readonly tenants: string[];

  /**
   * How many onboardings a reliability test runs: a few dozen by default, to keep CI short;
   * `RELIABILITY_ONBOARDINGS=500` runs the brief's bar (an even number, half of each product).
   */
  static size(byDefault: number): number {
    const wanted = Number(process.env['RELIABILITY_ONBOARDINGS'] ?? byDefault);
    if (!Number.isInteger(wanted) || wanted < 4 || wanted % 2 !== 0) {
      throw new Error(`RELIABILITY_ONBOARDINGS must be an even integer ≥ 4, got ${wanted}`);
    }
    return wanted;
  }

  /** Time to allow for `n` onboardings on this 2-core machine, disruptions included. */
  static budgetMs(n: number, base: number): number {
    return base + n * 1_500;
  }

  constructor(
    private readonly platform: PlatformHarness,
    private readonly resources: TenantResources,
    size: number,
  ) {
    this.tenants = Array.from({ length: size }, (_, i) => `k${i}-${platform.runId}`);
  }

  productOf(tenant: string): ProductName {
    return this.tenants.indexOf(tenant) % 2 === 0 ? 'ledger' : 'tracer';
  }

  modeOf(tenant: string): IsolationMode {
    return this.productOf(tenant) === 'ledger' ? 'SCHEMA' : 'DATABASE';
  }

  namesOf(tenant: string): Names {
    return tenantResourceNames(tenant, this.productOf(tenant), this.modeOf(tenant));
  }

  /** 503 answers the registry gave (platform busy) and this client retried, as its contract asks. */
  busyAnswers = 0;

  /** Creates and registers these tenants, all at once. */
  async register(tenants: string[] = this.tenants): Promise<void> {
    await Promise.all(
      tenants.map(async (tenant) => {
        const created = await this.call('POST', '/v1/tenants', {
          id: tenant,
          displayName: tenant,
        });
        expect(created.status).toBe(201);
        const registered = await this.call('POST', `/v1/tenants/${tenant}/services`, {
          product: this.productOf(tenant),
        });
        expect(registered.status).toBe(202);
      }),
    );
  }

  /** An admin API call that backs off (1 s, 2 s, …) on 503, as Retry-After asks; writes are idempotent. */
  private async call(method: string, path: string, body: unknown) {
    for (let attempt = 1; ; attempt++) {
      const response = await this.platform.api(method, path, body);
      if (response.status !== 503 || attempt === 10) return response;
      this.busyAnswers++;
      await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
    }
  }

  async readyCount(): Promise<number> {
    const [{ n }] = await this.platform.platformQuery<{ n: number }>(
      `SELECT count(*)::int AS n FROM tenant_registry.service_registration
        WHERE tenant_id = ANY($1) AND state = 'ready'`,
      [this.tenants],
    );
    return n;
  }

  async untilReady(n: number, timeoutMs = 60_000): Promise<void> {
    await expectEventually(async () => expect(await this.readyCount()).toBeGreaterThanOrEqual(n), {
      timeoutMs,
      intervalMs: 20,
    });
  }

  /** Waits for the whole batch; on a timeout the error lists the registrations still not ready. */
  async untilAllReady(timeoutMs: number): Promise<void> {
    try {
      await expectEventually(
        async () => expect(await this.readyCount()).toBe(this.tenants.length),
        {
          timeoutMs,
          intervalMs: 500,
        },
      );
    } catch (error) {
      const pending = await this.platform.platformQuery(
        `SELECT tenant_id, product, state, conditions FROM tenant_registry.service_registration
          WHERE tenant_id = ANY($1) AND state <> 'ready'`,
        [this.tenants],
      );
      throw new Error(
        `${(error as Error).message}\nnot ready: ${JSON.stringify(pending).slice(0, 3_000)}\n` +
          `recent warnings:\n${this.platform.recentProblems()}`,
      );
    }
  }

  /** Everything each registration needs exists exactly once, and nothing else carries its name. */
  async expectMadeExactlyOnce(): Promise<void> {
    const { platform, tenants } = this;
    // One registration row per tenant-service.
    const registrations = await platform.platformQuery<{ tenant_id: string; n: number }>(
      `SELECT tenant_id, count(*)::int AS n FROM tenant_registry.service_registration
        WHERE tenant_id = ANY($1) GROUP BY tenant_id ORDER BY tenant_id`,
      [tenants],
    );
    expect(registrations).toEqual([...tenants].sort().map((t) => ({ tenant_id: t, n: 1 })));

    // One ServiceReady event per tenant-service: the relay may repeat a message, never mint a second.
    const readyIds = await this.serviceReadyIds();
    expect(tenants.map((t) => [t, readyIds.get(`${t}/${this.productOf(t)}`)?.size ?? 0])).toEqual(
      tenants.map((t) => [t, 1]),
    );

    // Each credential generated once: one vault version per (tenant, service, resource).
    const secrets = await platform.platformQuery<{ path: string; versions: number }>(
      `SELECT path, count(*)::int AS versions FROM enclave_vault.secret_version
        WHERE path LIKE ANY($1) GROUP BY path ORDER BY path`,
      [tenants.map((t) => `tenants/${t}/%`)],
    );
    const expectedPaths = tenants
      .flatMap((t) =>
        (this.productOf(t) === 'ledger' ? ['mongodb', 'postgres', 'rabbitmq'] : ['postgres']).map(
          (r) => `tenants/${t}/${this.productOf(t)}/${r}`,
        ),
      )
      .sort();
    expect(secrets).toEqual(expectedPaths.map((path) => ({ path, versions: 1 })));

    // Every resource exactly where it belongs, each migration applied once.
    for (const tenant of tenants) {
      const names = this.namesOf(tenant);
      const ledger = this.productOf(tenant) === 'ledger';
      expect({ tenant, ...(await this.resources.postgres(names)) }).toEqual({
        tenant,
        roles: 1,
        databases: 1,
        schemas: 1,
        tables: ledger ? 10 : 2,
      });
      expect({ tenant, migrations: await this.appliedMigrations(names) }).toEqual({
        tenant,
        migrations: ledger ? 10 : 2,
      });
    }

    // Nothing left over: the only objects named after this run's tenants are the expected ones.
    const marker = `_${platform.runId}__`;
    const expected = (pick: (n: Names) => string, only?: ProductName) =>
      tenants
        .filter((t) => !only || this.productOf(t) === only)
        .map((t) => pick(this.namesOf(t)))
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
    expect(await this.vhostsContaining(marker)).toEqual(expected((n) => n.vhost, 'ledger'));
    expect(await this.mongoDatabasesContaining(marker)).toEqual(
      expected((n) => n.mongoDatabase, 'ledger'),
    );

    // No event was given up on.
    expect(await this.deadLettered()).toBe(0);
  }

  /** Removes every resource the batch's tenants got. */
  async cleanUp(): Promise<void> {
    for (const product of ['ledger', 'tracer'] as const) {
      const tenants = this.tenants.filter((t) => this.productOf(t) === product);
      await this.resources.cleanUp(tenants, [
        [product, product === 'ledger' ? 'SCHEMA' : 'DATABASE'],
      ]);
    }
  }

  /** ServiceReady event ids per `tenant/product`, read from the start of the topic. */
  private async serviceReadyIds(): Promise<Map<string, Set<string>>> {
    const topic = this.platform.topic(Topics.ServiceReady);
    const admin = this.platform.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    const total = offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
    const collector = await collectTopic(this.platform.kafka, [topic]);
    try {
      await expectEventually(
        () => expect(collector.messages.length).toBeGreaterThanOrEqual(total),
        {
          timeoutMs: 30_000,
        },
      );
      const ids = new Map<string, Set<string>>();
      for (const m of collector.messages) {
        const event = JSON.parse(m.message.value!.toString()) as {
          id: string;
          payload: ServiceReadyPayload;
        };
        const key = `${event.payload.tenantId}/${event.payload.product}`;
        ids.set(key, (ids.get(key) ?? new Set()).add(event.id));
      }
      return ids;
    } finally {
      await collector.stop();
    }
  }

  private async appliedMigrations(names: Names): Promise<number> {
    const url = new URL(this.platform.infra.pgAdminUrl);
    url.pathname = `/${names.pgDatabase}`;
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT count(*)::int AS n FROM ${client.escapeIdentifier(names.pgSchema)}.enclave_schema_migrations`,
      );
      return rows[0].n;
    } finally {
      await client.end();
    }
  }

  private async vhostsContaining(marker: string): Promise<string[]> {
    const url = new URL(this.platform.infra.rabbitmqMgmtUrl);
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    const response = await fetch(`${url.origin}/api/vhosts?columns=name`, {
      headers: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` },
    });
    const vhosts = (await response.json()) as { name: string }[];
    return vhosts
      .map((v) => v.name)
      .filter((name) => name.includes(marker))
      .sort();
  }

  private async mongoDatabasesContaining(marker: string): Promise<string[]> {
    const client = await new MongoClient(this.platform.infra.mongoUrl).connect();
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

  private async deadLettered(): Promise<number> {
    const admin = this.platform.kafka.admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter(
        (t) => t.startsWith(this.platform.topicPrefix) && t.endsWith('.dlq'),
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
}
