import { tenantResourceNames } from '@enclave/contracts';
import { ServiceProcess, TestDatabase, recordNotExercised, withPgClient } from '@enclave/testing';
import { SignJWT } from 'jose';
import { MongoClient } from 'mongodb';
import { randomBytes } from 'node:crypto';
import { PlatformHarness } from './platform.harness';
import { TenantCredentials } from './tenant-credentials';
import { TenantResources } from './tenant-resources';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Reply {
  readonly status: number;
  readonly body: Json;
  readonly text: string;
  readonly headers: Headers;
}

export const ISSUER = 'https://id.sample-ledger.test';
export const AUDIENCE = 'ledger';
export const ENTRY = 'apps/sample-ledger/src/main.ts';

/**
 * The sample ledger (apps/sample-ledger) as a real process next to the platform, with only what a
 * product deployment gets, and its tenants: `a` (SCHEMA) and `b` (DATABASE) ready once started, `c`
 * for a test to register, `unregistered` (a tenant without a ledger) and `ghost` (no tenant at all).
 * Its helpers call the app as a tenant and look at the tenant's rows as the server's superuser.
 */
export class SampleLedgerHarness {
  readonly platform = new PlatformHarness();
  readonly resources = new TenantResources(this.platform.infra);
  readonly a = `sla-${this.platform.runId}`; // SCHEMA mode
  readonly b = `slb-${this.platform.runId}`; // DATABASE mode
  readonly c = `slc-${this.platform.runId}`; // registered while migrations are held back
  readonly unregistered = `slu-${this.platform.runId}`; // a tenant without a ledger registration
  readonly ghost = `slg-${this.platform.runId}`; // no tenant at all
  readonly jwtSecret = randomBytes(32).toString('hex');
  readonly singleMongoDatabase = `sample_ledger_single_${this.platform.runId}`;
  credentials!: TenantCredentials;
  productToken!: string;
  ledger!: ServiceProcess;
  ledgerBase!: string;
  /** A single-tenant instance and its database, when a test starts one: stopped and dropped after. */
  single?: ServiceProcess;
  singleDb?: TestDatabase;

  readonly names = (tenantId: string) =>
    tenantResourceNames(tenantId, 'ledger', tenantId === this.b ? 'DATABASE' : 'SCHEMA');

  readonly sign = (
    claims: Record<string, unknown>,
    options: { secret?: string; issuer?: string; audience?: string; exp?: number | string } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(options.issuer ?? ISSUER)
      .setAudience(options.audience ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(options.exp ?? '10m')
      .sign(new TextEncoder().encode(options.secret ?? this.jwtSecret));

  readonly http = async (
    base: string,
    method: string,
    path: string,
    options: { tenant?: string; authorization?: string; body?: unknown } = {},
  ): Promise<Reply> => {
    const authorization =
      options.authorization ??
      (options.tenant ? `Bearer ${await this.sign({ tenantId: options.tenant })}` : undefined);
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(authorization !== undefined && { authorization }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      // A hung request fails naming itself, well before the test's own timeout.
      signal: AbortSignal.timeout(20_000),
    }).catch((error: Error) => {
      throw new Error(`${method} ${base}${path}: ${error.message}`);
    });
    const text = await response.text();
    return {
      status: response.status,
      // JSON from the app's routes; the text alone from /metrics.
      body:
        text && /json/.test(response.headers.get('content-type') ?? '')
          ? JSON.parse(text)
          : undefined,
      text,
      headers: response.headers,
    };
  };

  readonly as = (tenant: string, method: string, path: string, body?: unknown) =>
    this.http(this.ledgerBase, method, path, { tenant, body });

  readonly transfer = (tenant: string, amount: number, description: string) =>
    this.as(tenant, 'POST', '/v1/transactions', {
      description,
      entries: [
        { accountAlias: 'cash', amount: -amount },
        { accountAlias: 'revenue', amount: String(amount) },
      ],
    });

  /** As the server's superuser, inside the tenant's database (and schema, in SCHEMA mode). */
  readonly adminQuery = <T>(tenantId: string, sql: string): Promise<T[]> =>
    withPgClient(
      this.platform.infra.pgAdminUrl,
      this.names(tenantId).pgDatabase,
      async (client) => {
        await client.query(`SET search_path TO "${this.names(tenantId).pgSchema}"`);
        return (await client.query(sql)).rows as T[];
      },
    );

  readonly portAfterRegistry = (offset: number) =>
    Number(new URL(this.platform.apps.get('tenant-registry')!.base).port) + offset;

  /** Starts the platform and the ledger, and makes tenants `a` and `b` ready for it. */
  async start(): Promise<void> {
    const { platform } = this;
    await platform.start();
    this.credentials = new TenantCredentials(platform.db.url, platform.encryptionKeyForTests);

    // The operator hands the product its API token; nothing else of the platform's.
    const issued = await platform.api('POST', '/v1/products/ledger/tokens', {
      name: 'sample-ledger e2e',
    });
    expect(issued.status).toBe(201);
    this.productToken = issued.body.token;
    const mongoUsers = await mongoEnforcesUsers(platform.infra.mongoUrl);
    if (!mongoUsers) {
      recordNotExercised(
        'MongoDB',
        'sample-ledger login as the tenant user',
        `${platform.infra.mongoServerKind} has no user management: the app runs with TENANT_MONGO_AUTHENTICATE=false`,
      );
    }

    const port = this.portAfterRegistry(7);
    this.ledgerBase = `http://127.0.0.1:${port}`;
    // Only what a product deployment gets: no platform database, vault key or operator token.
    const { HTTP_PORT, KAFKA_TOPIC_PREFIX } = platform.appEnv(port, 'tenant-registry');
    const pg = new URL(platform.infra.pgAdminUrl);
    const rabbit = new URL(platform.infra.rabbitmqUrl);
    this.ledger = new ServiceProcess(ENTRY, {
      HTTP_PORT,
      LOG_LEVEL: 'info',
      ...platform.productKafkaEnv('ledger'),
      KAFKA_TOPIC_PREFIX,
      MULTI_TENANT_ENABLED: 'true',
      JWT_SECRET: this.jwtSecret,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      ENCLAVE_REGISTRY_URL: platform.apps.get('tenant-registry')!.base,
      ENCLAVE_PRODUCT_TOKEN: this.productToken,
      METRICS_TOKEN: platform.metricsToken,
      TENANT_PG_HOST: pg.hostname,
      TENANT_PG_PORT: pg.port || '5432',
      TENANT_MONGO_URL: platform.infra.mongoUrl,
      TENANT_MONGO_AUTHENTICATE: String(mongoUsers),
      TENANT_AMQP_HOST: rabbit.hostname,
      TENANT_AMQP_PORT: rabbit.port || '5672',
    }).start();

    const provision = async (tenantId: string, isolationMode: 'SCHEMA' | 'DATABASE') => {
      expect(
        (await platform.api('POST', '/v1/tenants', { id: tenantId, displayName: tenantId })).status,
      ).toBe(201);
      const registered = await platform.api('POST', `/v1/tenants/${tenantId}/services`, {
        product: 'ledger',
        isolationMode,
      });
      expect([registered.status, registered.body.isolationMode]).toEqual([202, isolationMode]);
      await platform.waitForState(tenantId, 'ledger', 'ready', 90_000);
    };
    // The app is ready once its lifecycle listener has joined: it hears these tenants' ServiceReady.
    await this.ledger.waitForHttp(`${this.ledgerBase}/health/ready`, 60_000);
    await Promise.all([
      provision(this.a, 'SCHEMA'),
      provision(this.b, 'DATABASE'),
      platform.api('POST', '/v1/tenants', { id: this.unregistered, displayName: 'no ledger' }),
    ]);
  }

  async stop(): Promise<void> {
    await Promise.all([this.ledger?.stop(), this.single?.stop()]);
    await this.platform.stop();
    await this.resources.cleanUp(
      [this.a, this.b, this.c],
      [
        ['ledger', 'SCHEMA'],
        ['ledger', 'DATABASE'],
      ],
    );
    await this.singleDb?.drop();
    const mongo = await new MongoClient(this.platform.infra.mongoUrl).connect();
    await mongo.db(this.singleMongoDatabase).dropDatabase();
    await mongo.close();
    await this.credentials?.close();
  }
}

/** Whether MongoDB enforces users (the mongo-provisioner only creates tenant users then). */
async function mongoEnforcesUsers(url: string): Promise<boolean> {
  const client = await new MongoClient(url).connect();
  try {
    const admin = client.db('admin');
    await admin.command({ usersInfo: 1 });
    const status = await admin.command({ connectionStatus: 1 });
    return ((status.authInfo?.authenticatedUsers ?? []) as unknown[]).length > 0;
  } catch {
    return false;
  } finally {
    await client.close();
  }
}
