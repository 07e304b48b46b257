import { exampleProducts } from '@enclave/product-catalog';
import {
  ServiceProcess,
  createTestDatabase,
  expectEventually,
  recordExercised,
} from '@enclave/testing';
import amqp from 'amqplib';
import { MongoClient } from 'mongodb';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import {
  AUDIENCE,
  ENTRY,
  ISSUER,
  Reply,
  SampleLedgerHarness,
} from './support/sample-ledger.harness';
import { TenantCredentials } from './support/tenant-credentials';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A product on the platform, end to end: the sample ledger (apps/sample-ledger) runs as a real
 * process next to the seven platform apps, resolves its tenants through the registry with its product
 * token, and serves each one from the PostgreSQL schema or database, MongoDB database and RabbitMQ
 * vhost the platform provisioned for it. Tokens decide the tenant; lifecycle events suspend it.
 */
describe('sample-ledger: a product served by the tenancy SDK on the real platform', () => {
  const ledgerApp = new SampleLedgerHarness();
  const { platform, resources, a, b, c, unregistered, ghost, jwtSecret, singleMongoDatabase } =
    ledgerApp;
  const { names, sign, http, as, transfer, adminQuery, portAfterRegistry } = ledgerApp;
  let credentials: TenantCredentials;
  let productToken: string;
  let ledger: ServiceProcess;
  let ledgerBase: string;

  beforeAll(async () => {
    await ledgerApp.start();
    ({ credentials, productToken, ledger, ledgerBase } = ledgerApp);
  }, 180_000);

  afterAll(() => ledgerApp.stop(), 90_000);

  it('keeps two tenants (SCHEMA and DATABASE mode) apart under 40 interleaved concurrent requests, in PostgreSQL, MongoDB and RabbitMQ', async () => {
    // The same aliases in both tenants, plus one of each tenant's own.
    for (const tenant of [a, b]) {
      for (const alias of ['cash', 'revenue', `only-${tenant}`]) {
        const opened = await as(tenant, 'POST', '/v1/accounts', { alias, assetCode: 'BRL' });
        expect([opened.status, opened.text]).toEqual([201, expect.stringContaining(alias)]);
      }
    }
    const amountOf = (tenant: string) => (tenant === a ? 7 : 11);

    // A/B/A/B…: each tenant alternates a transaction and a metadata write; all 40 at once.
    const requests = Array.from({ length: 40 }, async (_, i) => {
      const tenant = i % 2 === 0 ? a : b;
      const n = Math.floor(i / 2);
      const kind = n % 2 === 0 ? 'transaction' : 'metadata';
      const r =
        kind === 'transaction'
          ? await transfer(tenant, amountOf(tenant), `${tenant} sale ${n}`)
          : await as(tenant, 'PUT', '/v1/accounts/cash/metadata', { owner: tenant, seq: n });
      return { tenant, kind, r };
    });
    const replies = await Promise.all(requests);
    for (const { tenant, kind, r } of replies) {
      if (kind === 'transaction') {
        expect([r.status, r.body.tenantId, r.body.published]).toEqual([201, tenant, true]);
      } else {
        expect([r.status, r.body.metadata?.owner]).toEqual([200, tenant]);
      }
    }
    const postedBy = (tenant: string) =>
      new Set(
        replies
          .filter((x) => x.tenant === tenant && x.kind === 'transaction')
          .map((x) => x.r.body.id as string),
      );
    expect([postedBy(a).size, postedBy(b).size]).toEqual([10, 10]);

    // Through the app: each tenant's own balances and accounts.
    for (const tenant of [a, b]) {
      const amount = amountOf(tenant) * 10;
      expect((await as(tenant, 'GET', '/v1/accounts/cash/balance')).body).toMatchObject({
        alias: 'cash',
        available: String(-amount),
        version: 10,
      });
      const listed = await as(tenant, 'GET', '/v1/accounts');
      expect(listed.body.map((x: Json) => [x.alias, x.available])).toEqual(
        [
          ['cash', String(-amount)],
          [`only-${tenant}`, '0'],
          ['revenue', String(amount)],
        ].sort(),
      );
      const other = tenant === a ? b : a;
      expect((await as(tenant, 'GET', `/v1/accounts/only-${other}/balance`)).status).toBe(404);
    }

    // On the servers themselves: PostgreSQL rows in each tenant's own schema / database.
    for (const tenant of [a, b]) {
      const transactions = await adminQuery<{ id: string; description: string }>(
        tenant,
        'SELECT id, description FROM transactions',
      );
      expect(new Set(transactions.map((t) => t.id))).toEqual(postedBy(tenant));
      for (const t of transactions) expect(t.description.startsWith(`${tenant} sale`)).toBe(true);
      const [{ total, entries }] = await adminQuery<{ total: string; entries: number }>(
        tenant,
        'SELECT (SELECT sum(available) FROM balances)::text AS total, (SELECT count(*)::int FROM entries) AS entries',
      );
      expect([total, entries]).toEqual(['0', 20]);
    }
    expect(names(a).pgDatabase).toBe('p_ledger');
    expect(names(b).pgDatabase).toBe(`t_${b.replace(/-/g, '_')}__ledger`);

    // MongoDB: one metadata document per tenant database, written by that tenant only.
    const mongo = await new MongoClient(platform.infra.mongoUrl).connect();
    try {
      for (const tenant of [a, b]) {
        const documents = await mongo
          .db(names(tenant).mongoDatabase)
          .collection('metadata')
          .find()
          .toArray();
        expect(documents.map((d) => [d.entityType, d.alias, d.data.owner])).toEqual([
          ['account', 'cash', tenant],
        ]);
      }
    } finally {
      await mongo.close();
    }
    recordExercised('MongoDB', 'sample-ledger: metadata in each tenant database');

    // RabbitMQ: each tenant's queue, read with that tenant's own credentials in its own vhost.
    for (const tenant of [a, b]) {
      const login = await credentials.forRabbit(tenant, 'ledger');
      const connection = await amqp.connect(resources.amqpUrl(login, names(tenant).vhost));
      try {
        const channel = await connection.createChannel();
        const messages = await expectEventually(async () => {
          const { messageCount } = await channel.checkQueue('ledger.transactions');
          expect(messageCount).toBe(10);
          const got: Json[] = [];
          for (let m = await channel.get('ledger.transactions'); m;) {
            got.push(JSON.parse(m.content.toString()));
            channel.ack(m);
            m = await channel.get('ledger.transactions');
          }
          return got;
        });
        expect(new Set(messages.map((m) => m.id))).toEqual(postedBy(tenant));
        for (const m of messages)
          expect([m.type, m.tenantId]).toEqual(['transaction.created', tenant]);
      } finally {
        await connection.close();
      }
    }
    recordExercised('RabbitMQ', 'sample-ledger: transaction events in each tenant vhost');

    // The lifecycle listener heard both registrations become ready.
    for (const tenant of [a, b]) {
      expect(ledger.logs).toContain(`ServiceReady: tenant ${tenant} can be served by ledger`);
    }
  }, 120_000);

  it('refuses missing, malformed, forged, expired and misdirected tokens with 401 and the reason', async () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({
      tenantId: a,
      iss: ISSUER,
      aud: AUDIENCE,
      exp: now + 600,
    })}.`;
    const cases: [string, string | undefined, string][] = [
      ['no Authorization header', undefined, 'missing'],
      ['not a bearer token', 'Basic dXNlcjpwYXNz', 'malformed'],
      ['not a JWT', 'Bearer not.a.jwt', 'malformed'],
      [
        'forged signature',
        `Bearer ${await sign({ tenantId: a }, { secret: randomBytes(32).toString('hex') })}`,
        'bad-signature',
      ],
      ['alg none', `Bearer ${unsigned}`, 'alg-not-allowed'],
      ['expired', `Bearer ${await sign({ tenantId: a }, { exp: now - 120 })}`, 'expired'],
      [
        'wrong issuer',
        `Bearer ${await sign({ tenantId: a }, { issuer: 'https://evil.example' })}`,
        'wrong-issuer',
      ],
      [
        'wrong audience',
        `Bearer ${await sign({ tenantId: a }, { audience: 'tracer' })}`,
        'wrong-audience',
      ],
      ['no tenantId claim', `Bearer ${await sign({ sub: 'someone' })}`, 'missing-tenant-claim'],
      [
        'tenantId that is no tenant id',
        `Bearer ${await sign({ tenantId: 'Robert"); DROP TABLE accounts;--' })}`,
        'invalid-tenant-claim',
      ],
    ];
    for (const [what, authorization, reason] of cases) {
      for (const [method, path, body] of [
        ['GET', '/v1/accounts', undefined],
        ['POST', '/v1/transactions', { description: 'x', entries: [] }],
      ] as const) {
        const reply = await http(ledgerBase, method, path, {
          authorization: authorization ?? undefined,
          body,
        });
        expect([what, reply.status, reply.body.reason]).toEqual([what, 401, reason]);
        expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
        if (authorization) expect(reply.text).not.toContain(authorization.slice(7));
      }
    }
    // None of it reached a tenant: tenant A still has exactly its three accounts.
    expect((await as(a, 'GET', '/v1/accounts')).body).toHaveLength(3);
  }, 60_000);

  it('answers 404 for a tenant with no ledger registration and for an unknown tenant, and 400 for bad input', async () => {
    for (const tenant of [unregistered, ghost]) {
      const reply = await as(tenant, 'GET', '/v1/accounts');
      expect([reply.status, reply.body.reason]).toEqual([404, 'unknown-tenant']);
    }
    const unbalanced = await as(a, 'POST', '/v1/transactions', {
      description: 'unbalanced',
      entries: [
        { accountAlias: 'cash', amount: -5 },
        { accountAlias: 'revenue', amount: 4 },
      ],
    });
    expect([unbalanced.status, unbalanced.text]).toEqual([
      400,
      expect.stringMatching(/sum to zero/),
    ]);
    const unknown = await as(a, 'POST', '/v1/transactions', {
      description: 'to nowhere',
      entries: [
        { accountAlias: 'cash', amount: -5 },
        { accountAlias: `only-${b}`, amount: 5 },
      ],
    });
    expect([unknown.status, unknown.text]).toEqual([422, expect.stringMatching(/unknown account/)]);
    const taken = await as(a, 'POST', '/v1/accounts', { alias: 'cash', assetCode: 'BRL' });
    expect(taken.status).toBe(409);
    const badMetadata = await as(a, 'PUT', '/v1/accounts/cash/metadata', { $where: 'x' });
    expect(badMetadata.status).toBe(400);
  }, 30_000);

  it('answers 503 while the registration is still provisioning, and serves the tenant once it is ready', async () => {
    // Held back at the migrations: every other stage completes, the registration stays provisioning.
    await platform.stopApps(['migration-runner']);
    try {
      await platform.api('POST', '/v1/tenants', { id: c, displayName: 'Tenant C' });
      expect(
        (await platform.api('POST', `/v1/tenants/${c}/services`, { product: 'ledger' })).status,
      ).toBe(202);
      await expectEventually(
        async () => {
          const { body } = await platform.api('GET', `/v1/tenants/${c}/services/ledger`);
          const status = Object.fromEntries(body.conditions.map((x: Json) => [x.stage, x.status]));
          expect([body.state, status]).toEqual([
            'provisioning',
            expect.objectContaining({ postgres: 'done', mongodb: 'done', rabbitmq: 'done' }),
          ]);
          expect(status.migrations).not.toBe('done');
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      const early = await as(c, 'GET', '/v1/accounts');
      expect([early.status, early.body.reason]).toEqual([503, 'tenant-not-ready']);
      expect(early.headers.get('retry-after')).toBe('1');
    } finally {
      await platform.startApps(['migration-runner']);
    }
    await platform.waitForState(c, 'ledger', 'ready', 60_000);
    const served = await expectEventually(async () => {
      const reply = await as(c, 'GET', '/v1/accounts');
      expect(reply.status).toBe(200);
      return reply;
    });
    expect(served.body).toEqual([]);
    await expectEventually(() =>
      expect(ledger.logs).toContain(`ServiceReady: tenant ${c} can be served by ledger`),
    );
  }, 120_000);

  it('refuses a suspended tenant with 403 within seconds, rolls back its transaction in flight (the server ends its sessions), and serves it again after resume', async () => {
    const before = (await as(a, 'GET', '/v1/accounts/cash/balance')).body.available as string;
    // Hold the tenant's cash balance row, so a transaction started now waits inside PostgreSQL.
    const url = new URL(platform.infra.pgAdminUrl);
    url.pathname = `/${names(a).pgDatabase}`;
    const holder = new Client({ connectionString: url.toString() });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(
        `SELECT 1 FROM "${names(a).pgSchema}".balances WHERE account_id =
           (SELECT id FROM "${names(a).pgSchema}".accounts WHERE alias = 'cash') FOR UPDATE`,
      );
      const inFlight = transfer(a, 5, `${a} in flight`);
      await expectEventually(async () => {
        const { rows } = await holder.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = $1 AND usename = $2 AND wait_event_type = 'Lock'`,
          [names(a).pgDatabase, names(a).pgRole],
        );
        expect(rows[0].n).toBe(1);
      });

      const suspendedAt = Date.now();
      const suspended = await platform.api('POST', `/v1/tenants/${a}/suspend`, {
        reason: 'e2e: unpaid invoice',
      });
      expect([suspended.status, suspended.body.status]).toEqual([200, 'suspended']);
      const refused = await expectEventually(
        async () => {
          const reply = await as(a, 'GET', '/v1/accounts');
          expect([reply.status, reply.body.reason]).toEqual([403, 'tenant-suspended']);
          return reply;
        },
        { timeoutMs: 15_000, intervalMs: 100 },
      );
      expect(Date.now() - suspendedAt).toBeLessThan(10_000);
      expect(refused.text).not.toContain('password');
      expect((await as(b, 'GET', '/v1/accounts')).status).toBe(200);

      // Suspension ends the tenant's sessions on the server: the transaction waiting for the row
      // lock is rolled back whole, the request fails, and the app keeps serving everyone else.
      const done = await inFlight;
      expect(done.status).toBeGreaterThanOrEqual(500);
      expect(done.body.published).toBeUndefined();
      await holder.query('COMMIT');
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
    expect(ledger.logs).toContain(`tenant ${a} is now suspended`);

    expect((await platform.api('POST', `/v1/tenants/${a}/resume`)).status).toBe(200);
    const balance = await expectEventually(
      async () => {
        const reply = await as(a, 'GET', '/v1/accounts/cash/balance');
        expect(reply.status).toBe(200);
        return reply.body;
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    expect(balance.available).toBe(before);
  }, 90_000);

  it('rotates a served tenant’s credentials: no request fails, and the app reconnects with the new ones', async () => {
    const vhost = names(b).vhost;
    const role = names(b).pgRole;
    const backends = async () =>
      (
        await platform.platformQuery<{ pid: number }>(
          'SELECT pid FROM pg_stat_activity WHERE usename = $1',
          [role],
        )
      ).map((r) => r.pid);
    expect((await transfer(b, 1, `${b} before rotation`)).status).toBe(201);
    const oldRabbit = await credentials.forRabbit(b, 'ledger');
    const connectionsBefore = await expectEventually(async () => {
      const names = await rabbitConnections(platform.infra.rabbitmqMgmtUrl, vhost);
      expect(names.length).toBeGreaterThan(0);
      return names;
    });
    const backendsBefore = await backends();
    expect(backendsBefore.length).toBeGreaterThan(0);

    const rotation = await platform.api(
      'POST',
      `/v1/tenants/${b}/services/ledger/credentials/rotate`,
    );
    expect(rotation.status).toBe(202);
    // Keep serving the tenant while the rotation runs, until the app has heard it is complete.
    const during: Reply[] = [];
    await expectEventually(
      async () => {
        during.push(await transfer(b, 1, `${b} during rotation`));
        expect(ledger.logs).toContain(`credentials of tenant ${b} rotated`);
      },
      { timeoutMs: 60_000, intervalMs: 20 },
    );
    if (during.some((r) => r.status !== 201 || r.body.published !== true)) {
      // What the app said about the failed requests: the reply body alone rarely names the cause.
      console.error(
        ledger.logs
          .split('\n')
          .filter((l) => /"level":(40|50)|error/i.test(l))
          .join('\n'),
      );
    }
    expect(during.map((r) => [r.status, r.body.published])).toEqual(during.map(() => [201, true]));
    const after = await transfer(b, 1, `${b} after rotation`);
    expect([after.status, after.body.published]).toEqual([201, true]);

    // The old connections are gone (released, then closed) and the new ones log in with the new
    // credentials: RabbitMQ now refuses the old password.
    await expectEventually(
      async () => {
        const now = await rabbitConnections(platform.infra.rabbitmqMgmtUrl, vhost);
        expect(now.length).toBeGreaterThan(0);
        expect(now.filter((name) => connectionsBefore.includes(name))).toEqual([]);
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    await expect(amqp.connect(resources.amqpUrl(oldRabbit, vhost))).rejects.toThrow(
      /ACCESS_REFUSED|403/,
    );
    const newRabbit = await credentials.forRabbit(b, 'ledger');
    expect(newRabbit.password).not.toBe(oldRabbit.password);
    await expectEventually(async () => {
      const pids = await backends();
      expect(pids.filter((pid) => backendsBefore.includes(pid))).toEqual([]);
    });
    expect((await as(b, 'GET', '/v1/accounts/cash/balance')).status).toBe(200);
  }, 120_000);

  it('serves the tenancy SDK’s pool and resolution metrics at /metrics, to the metrics token only', async () => {
    expect((await http(ledgerBase, 'GET', '/metrics')).status).toBe(401);
    const scraped = await http(ledgerBase, 'GET', '/metrics', {
      authorization: `Bearer ${platform.metricsToken}`,
    });
    expect(scraped.status).toBe(200);
    // The value of `name{labels}` in the text format, whatever order the labels come in.
    const sample = (series: string) => {
      const [, name, wanted = ''] = /^([^{]+)(?:\{(.*)\})?$/.exec(series)!;
      for (const line of scraped.text.split('\n')) {
        const match = /^([^{ ]+)(?:\{(.*)\})? (\S+)$/.exec(line);
        if (!match || match[1] !== name) continue;
        const labels = new Set((match[2] ?? '').split(','));
        if (wanted.split(',').every((l) => !l || labels.has(l))) return Number(match[3]);
      }
      return undefined;
    };
    const service = 'service="sample-ledger"';
    // Tenants a and b (and c) were resolved through the registry; a suspended one was refused.
    expect(
      sample(`enclave_tenancy_resolutions_total{outcome="ready",${service}}`),
    ).toBeGreaterThanOrEqual(2);
    expect(
      sample(`enclave_tenancy_resolutions_total{outcome="suspended",${service}}`),
    ).toBeGreaterThanOrEqual(1);
    // Tenants served since the last rotation and resumption are cached; no request holds a lease.
    expect(sample(`enclave_tenancy_tenants{store="postgres",${service}}`)).toBeGreaterThanOrEqual(
      1,
    );
    for (const store of ['postgres', 'mongodb', 'rabbitmq']) {
      expect(sample(`enclave_tenancy_leases{store="${store}",${service}}`)).toBe(0);
      expect(sample(`enclave_tenancy_waiting{store="${store}",${service}}`)).toBe(0);
    }
    expect(
      sample(
        `enclave_tenancy_acquire_duration_seconds_count{store="postgres",outcome="ok",${service}}`,
      ),
    ).toBeGreaterThan(40);
  });

  it('never logs a tenant credential, its product token or a bearer token', async () => {
    const passwords = await credentials.allPasswords();
    expect(passwords.length).toBeGreaterThanOrEqual(9); // 3 tenants × postgres, mongodb, rabbitmq
    const bearer = await sign({ tenantId: a });
    expect(
      (await http(ledgerBase, 'GET', '/v1/accounts', { authorization: `Bearer ${bearer}` })).status,
    ).toBe(200);
    const logs = ledger.logs;
    expect(logs).toContain('request completed');
    for (const secret of [...passwords, productToken, jwtSecret, bearer]) {
      expect(logs.includes(secret)).toBe(false);
    }
  }, 30_000);

  it('single-tenant mode: serves one pre-created database with no token, registry or Kafka', async () => {
    const singleDb = (ledgerApp.singleDb = await createTestDatabase(
      platform.infra.pgAdminUrl,
      'sample_ledger_single',
    ));
    const client = new Client({ connectionString: singleDb.url });
    await client.connect();
    try {
      // What the migration-runner would apply for a tenant: the ledger manifest's migrations.
      for (const m of exampleProducts.get('ledger')!.resources.postgres!.migrations) {
        await client.query(m.sql);
      }
    } finally {
      await client.end();
    }
    const port = portAfterRegistry(8);
    const base = `http://127.0.0.1:${port}`;
    const single = (ledgerApp.single = new ServiceProcess(ENTRY, {
      HTTP_PORT: String(port),
      LOG_LEVEL: 'info',
      MULTI_TENANT_ENABLED: 'false',
      SINGLE_TENANT_DATABASE_URL: singleDb.url,
      SINGLE_TENANT_MONGO_URL: platform.infra.mongoUrl,
      SINGLE_TENANT_MONGO_DATABASE: singleMongoDatabase,
      // Blank whatever the test runner's environment holds: this instance gets no platform at all.
      KAFKA_BROKERS: '',
      KAFKA_TOPIC_PREFIX: '',
      ENCLAVE_REGISTRY_URL: '',
      ENCLAVE_PRODUCT_TOKEN: '',
      JWT_SECRET: '',
      JWT_ISSUER: '',
    }).start());
    await single.waitForHttp(`${base}/health/ready`, 30_000);

    for (const alias of ['cash', 'revenue']) {
      expect(
        (await http(base, 'POST', '/v1/accounts', { body: { alias, assetCode: 'EUR' } })).status,
      ).toBe(201);
    }
    // Tokens mean nothing here: authentication is the deployment's own business.
    const posted = await http(base, 'POST', '/v1/transactions', {
      authorization: 'Bearer whatever',
      body: {
        description: 'single sale',
        entries: [
          { accountAlias: 'cash', amount: -42 },
          { accountAlias: 'revenue', amount: 42 },
        ],
      },
    });
    expect([posted.status, posted.body.tenantId, posted.body.published]).toEqual([
      201,
      'default',
      false,
    ]);
    expect((await http(base, 'GET', '/v1/accounts/revenue/balance')).body.available).toBe('42');
    const metadata = await http(base, 'PUT', '/v1/accounts/cash/metadata', {
      body: { owner: 'single' },
    });
    expect(metadata.status).toBe(200);

    const check = new Client({ connectionString: singleDb.url });
    await check.connect();
    try {
      expect(
        (await check.query('SELECT description FROM transactions')).rows.map((r) => r.description),
      ).toEqual(['single sale']);
    } finally {
      await check.end();
    }
    const mongo = await new MongoClient(platform.infra.mongoUrl).connect();
    try {
      const documents = await mongo.db(singleMongoDatabase).collection('metadata').find().toArray();
      expect(documents.map((d) => d.data.owner)).toEqual(['single']);
    } finally {
      await mongo.close();
    }
    expect(single.logs).toContain('single-tenant mode: no tenant lifecycle');
    expect(single.logs).not.toContain('listening to the tenant lifecycle');
  }, 90_000);
});

/** Names of the AMQP connections open in a vhost, from the management API. */
async function rabbitConnections(mgmtUrl: string, vhost: string): Promise<string[]> {
  const url = new URL(mgmtUrl);
  const auth = Buffer.from(
    `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
  ).toString('base64');
  const response = await fetch(
    `${url.origin}/api/vhosts/${encodeURIComponent(vhost)}/connections`,
    {
      headers: { authorization: `Basic ${auth}` },
    },
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { name: string }[]).map((c) => c.name);
}
