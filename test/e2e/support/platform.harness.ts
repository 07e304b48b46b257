import { Topics, tenantResourceNames } from '@enclave/contracts';
import { exampleProducts, publishExampleProducts } from '@enclave/product-catalog';
import {
  CollectedMessage,
  ServiceProcess,
  TestDatabase,
  collectTopic,
  createTestDatabase,
  expectEventually,
  randomPortSlot,
  recordExercised,
  TestInfra,
  testInfra,
  testKafka,
  kafkaEnv,
  KafkaSasl,
} from '@enclave/testing';
import { PlatformPostgresLogins, PlatformPostgresRoles } from '@enclave/service-kit';
import { randomBytes } from 'node:crypto';
import { Admin, Kafka } from 'kafkajs';
import { Client } from 'pg';
import platformApps from '../../../scripts/platform-apps.json';
import { platformRabbitMqUser } from '../../integration/support/rabbitmq-platform-user';
import { PrincipalPlan, kafkaAclPlan } from '../../../scripts/kafka/kafka-acl-plan';
import {
  applyKafkaPrincipals,
  removeKafkaPrincipals,
} from '../../../scripts/kafka/kafka-principals';

/** The example products a run's Kafka principals are made for (publishExampleProducts). */
const PRODUCTS = ['ledger', 'tracer'] as const;

/** The platform's apps, in port order, from the one list (scripts/platform-apps.json). */
export const APPS: readonly string[] = platformApps.map((app) => app.name);
// They take +0..+6 of a run's port slot (see basePort): an eighth app needs that layout changed.
if (APPS.length > 7) throw new Error(`${APPS.length} apps do not fit the harness's port slot`);

export type AppName = string;

/** Names come from tests as plain strings: a typo fails here, not as a missing process later. */
function known(apps: readonly AppName[]): readonly AppName[] {
  const unknown = apps.filter((app) => !APPS.includes(app));
  if (unknown.length) throw new Error(`not platform apps: ${unknown.join(', ')}`);
  return apps;
}

/**
 * The whole platform as real processes on real servers, isolated per run: its own platform
 * database, its own Kafka topic prefix, random ports and a random admin token and vault key.
 */
export class PlatformHarness {
  readonly infra: TestInfra;
  /** The platform's own RabbitMQ user the broker-provisioner runs as (not the bootstrap admin). */
  readonly rabbitPlatform: ReturnType<typeof platformRabbitMqUser>;
  readonly kafka: Kafka;
  // Apps take +0..+6 of the slot, tests' own extra processes +7..+9, replicas +10..+19.
  readonly basePort: number;
  private readonly logLevel: string;
  private readonly extraEnv: NodeJS.ProcessEnv;
  private readonly envFor: Partial<Record<AppName, NodeJS.ProcessEnv>>;

  constructor(
    options: {
      logLevel?: string;
      /** Another Kafka than the test profile's (a test that restarts its own). */
      kafkaBrokers?: string[];
      /** That Kafka's super-user. */
      kafkaSasl?: KafkaSasl;
      /** A port slot the test already took (randomPortSlot) for its own servers. */
      basePort?: number;
      /** More variables for every app (OTEL_* for the trace test). */
      env?: NodeJS.ProcessEnv;
      /** More variables for one app, over `env` (a bench's larger pool for one stage). */
      envFor?: Partial<Record<AppName, NodeJS.ProcessEnv>>;
    } = {},
  ) {
    const infra = testInfra();
    this.infra = options.kafkaBrokers
      ? { ...infra, kafkaBrokers: options.kafkaBrokers, kafkaSasl: options.kafkaSasl }
      : infra;
    this.kafka = testKafka(this.infra.kafkaBrokers, this.infra.kafkaSasl);
    this.rabbitPlatform = platformRabbitMqUser(this.infra);
    this.basePort = options.basePort ?? randomPortSlot();
    this.logLevel = options.logLevel ?? 'info';
    this.extraEnv = options.env ?? {};
    this.envFor = options.envFor ?? {};
  }

  readonly runId = randomBytes(3).toString('hex');
  readonly topicPrefix = `e2e-${this.runId}.`;
  readonly adminToken = randomBytes(24).toString('hex');
  readonly productTokenSecret = randomBytes(24).toString('hex');
  /** What a Prometheus scraper presents at every app's GET /metrics. */
  readonly metricsToken = randomBytes(24).toString('hex');
  readonly apps = new Map<AppName, { process: ServiceProcess; base: string }>();
  /** The platform database; its URL is the test server's superuser's (for tests' own queries). */
  db!: TestDatabase;
  /** This run's PostgreSQL roles: each app logs in as its own, none a superuser. */
  pgRoles?: PlatformPostgresRoles;
  pgLogins!: PlatformPostgresLogins;
  /** The embedded vault's key: tests read tenants' credentials the way a product's SDK would. */
  readonly encryptionKeyForTests = randomBytes(32).toString('base64');
  private collectors: { stop(): Promise<void> }[] = [];
  /**
   * This run's Kafka principals (one per app, example product and intake publisher), their users
   * named after the run, their ACLs on the run's prefix only; removed again by stop().
   */
  private kafkaPrincipals: PrincipalPlan[] = [];
  private readonly kafkaPasswords = new Map<string, string>();
  /** `<app> <topic>` pairs a rewind took back to the start: each must be read to the end again. */
  private readonly rewound = new Set<string>();

  async start(): Promise<void> {
    this.db = await createTestDatabase(this.infra.pgAdminUrl, `platform_${this.runId}`);
    // Per-run role names, dropped in stop(). `postgres` keeps CONNECT for PUBLIC here: the test
    // server is shared (closing it is shown on the password-checking server, platform-roles suite).
    this.pgRoles = new PlatformPostgresRoles({
      adminUrl: this.infra.pgAdminUrl,
      database: this.db.name,
      apps: APPS,
      prefix: `e2e_${this.runId}`,
      closeMaintenanceDatabase: false,
    });
    this.pgLogins = await this.pgRoles.ensure();
    // The products' shared databases (SCHEMA mode's p_<product>) are global names on this server,
    // used by other runs too: made by the superuser if missing, delegated to this run's tenant admin
    // (which so never owns one), and the delegation goes with the role in stop().
    await this.pgRoles.delegateDatabases(
      exampleProducts.names().map((p) => tenantResourceNames('shared', p, 'SCHEMA').pgDatabase),
      { create: true },
    );
    await this.rabbitPlatform.ensure();
    await this.makeKafkaPrincipals();
    APPS.forEach((app, i) => {
      const port = this.basePort + i;
      const process = new ServiceProcess(`apps/${app}/src/main.ts`, this.appEnv(port, app));
      this.apps.set(app, { process, base: `http://127.0.0.1:${port}` });
    });
    await this.startApps();
    // A fresh platform knows no product: publish the examples, as `npm start` does.
    await publishExampleProducts(this.apps.get('tenant-registry')!.base, this.adminToken);
    recordExercised('Kafka', `${this.infra.kafkaBrokers.join(',')} (platform run ${this.runId})`);
  }

  async startApps(only: readonly AppName[] = APPS): Promise<void> {
    for (const app of known(only)) this.apps.get(app)!.process.start();
    for (const app of only) {
      const { process, base } = this.apps.get(app)!;
      // Generous: seven apps transpiling and starting at once on two busy cores can take minutes.
      await process.waitForHttp(`${base}/health/ready`, 240_000);
    }
  }

  async stopApps(
    only: readonly AppName[] = APPS,
    signal: NodeJS.Signals = 'SIGTERM',
  ): Promise<void> {
    // An app may never have been created (start() failed early): nothing to stop then.
    await Promise.all(known(only).map((app) => this.apps.get(app)?.process.stop(signal)));
  }

  async stop(): Promise<void> {
    await Promise.all(this.collectors.map((c) => c.stop()));
    await this.stopApps();
    await this.removeKafkaPrincipals();
    await this.db?.drop();
    await this.pgRoles?.drop();
  }

  /** The SASL user of a principal of this run: `<prefix>app.<name>`, `<prefix>product.<name>`, …. */
  private userOf(role: string): string {
    return `${this.topicPrefix}${role.replace(':', '.')}`;
  }

  private async makeKafkaPrincipals(): Promise<void> {
    const sasl = this.infra.kafkaSasl;
    if (!sasl) return; // a broker without SASL: every app connects anonymously
    // INTAKE_PUBLISHERS (`signup=ledger+tracer,billing=*`): each publisher reads the feeds of the
    // products it may act for.
    const publishers = (this.extraEnv.INTAKE_PUBLISHERS ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean)
      .map((entry) => {
        const [name, products = ''] = entry.split('=');
        return { name, products: products === '*' ? ('*' as const) : products.split('+') };
      });
    const plans = kafkaAclPlan({
      prefix: this.topicPrefix,
      userOf: (role) => this.userOf(role),
      products: PRODUCTS,
      publishers,
    });
    for (const plan of plans) this.kafkaPasswords.set(plan.user, randomBytes(18).toString('hex'));
    this.kafkaPrincipals = plans;
    await applyKafkaPrincipals(
      { brokers: this.infra.kafkaBrokers, username: sasl.username, password: sasl.password },
      plans,
      (user) => this.kafkaPasswords.get(user)!,
    );
  }

  private async removeKafkaPrincipals(): Promise<void> {
    const sasl = this.infra.kafkaSasl;
    if (!sasl || this.kafkaPrincipals.length === 0) return;
    await removeKafkaPrincipals(
      { brokers: this.infra.kafkaBrokers, username: sasl.username, password: sasl.password },
      this.kafkaPrincipals,
    );
    this.kafkaPrincipals = [];
  }

  /**
   * The SASL login of one of this run's principals (`app:<name>`, `product:<name>`,
   * `publisher:<name>`); the super-user when the broker has no such principal (no SASL).
   */
  kafkaSaslOf(role: string): KafkaSasl | undefined {
    const user = this.userOf(role);
    const password = this.kafkaPasswords.get(user);
    if (!password) {
      if (this.infra.kafkaSasl && this.kafkaPrincipals.length > 0)
        throw new Error(`no Kafka principal ${role} in this run`);
      return this.infra.kafkaSasl;
    }
    return { mechanism: 'scram-sha-512', username: user, password };
  }

  /** Every message on every lifecycle topic (and dead-letter topic) of this run, as text. */
  async collectAllTopicsText(): Promise<string[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(this.topicPrefix));
    const offsets = await Promise.all(topics.map((t) => admin.fetchTopicOffsets(t)));
    await admin.disconnect();
    const expected = offsets.flat().reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
    const collector = await collectTopic(this.kafka, topics);
    try {
      await expectEventually(
        () => expect(collector.messages.length).toBeGreaterThanOrEqual(expected),
        {
          timeoutMs: 30_000,
        },
      );
      return collector.messages.map(
        (m) =>
          `${m.message.key?.toString()} ${m.message.value?.toString()} ${JSON.stringify(m.message.headers ?? {})}`,
      );
    } finally {
      await collector.stop();
    }
  }

  /** Deletes every service's processed-event ledger (the apps must be stopped). */
  async forgetProcessedEvents(): Promise<void> {
    for (const app of APPS)
      await this.platformQuery(`TRUNCATE ${app.replace(/-/g, '_')}.processed_event`);
  }

  /** This run's topics, without the dead-letter ones. */
  private async lifecycleTopics(admin: Admin): Promise<string[]> {
    return (await admin.listTopics()).filter(
      (t) => t.startsWith(this.topicPrefix) && !t.endsWith('.dlq'),
    );
  }

  private async committedOffsets(admin: Admin, app: AppName, topic: string) {
    const [committed] = await admin.fetchOffsets({ groupId: this.groupOf(app), topics: [topic] });
    return committed;
  }

  /** An app's consumer group in this run (groups carry the topic prefix). */
  groupOf(app: AppName): string {
    return `${this.topicPrefix}enclave.${app}`;
  }

  /**
   * Moves every platform consumer group back to the start of this run's topics (groups idle). The
   * groups are deleted, which the consumers (`fromBeginning`) read as "start at the beginning": one
   * call, where resetting offsets makes kafkajs join each group once per topic (about a second each).
   * What each group had read is remembered, so the wait below cannot pass before it is read again.
   */
  async rewindConsumerGroups(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const topics = await this.lifecycleTopics(admin);
      for (const app of APPS) {
        const offsets = await admin.fetchOffsets({ groupId: this.groupOf(app), topics });
        for (const { topic, partitions } of offsets) {
          if (partitions.some((p) => Number(p.offset) >= 0)) this.rewound.add(`${app} ${topic}`);
        }
      }
      await admin.deleteGroups(APPS.map((app) => this.groupOf(app)));
    } finally {
      await admin.disconnect();
    }
  }

  /** Waits until every platform consumer group has committed up to the end of every topic it reads. */
  async waitForConsumersToCatchUp(timeoutMs = 120_000): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await expectEventually(
        async () => {
          for (const app of APPS) {
            for (const topic of await this.lifecycleTopics(admin)) {
              const committed = await this.committedOffsets(admin, app, topic);
              if (committed.partitions.every((p) => Number(p.offset) < 0)) {
                // Nothing committed: nothing to read, unless a rewind took the group back here.
                const pair = `${app} ${topic}`;
                expect(this.rewound.has(pair) ? `${pair}: rewound, not read again yet` : 'ok').toBe(
                  'ok',
                );
                continue;
              }
              const high = await admin.fetchTopicOffsets(topic);
              for (const p of committed.partitions) {
                const { high: end, low } = high.find((h) => h.partition === p.partition)!;
                // A negative offset is a reset marker on a partition the group has had nothing to read.
                const at = Number(p.offset) < 0 ? low : p.offset;
                expect(`${app} ${topic}/${p.partition} at ${at}`).toBe(
                  `${app} ${topic}/${p.partition} at ${end}`,
                );
              }
            }
          }
          // Nothing left in any outbox either: every follow-up event of the replay is out.
          for (const app of APPS) {
            const [{ n }] = await this.platformQuery<{ n: number }>(
              `SELECT count(*)::int AS n FROM ${app.replace(/-/g, '_')}.outbox`,
            );
            expect(`${app} outbox ${n}`).toBe(`${app} outbox 0`);
          }
        },
        { timeoutMs, intervalMs: 500 },
      );
    } finally {
      await admin.disconnect();
    }
  }

  topic(logical: string): string {
    return `${this.topicPrefix}${logical}`;
  }

  /** Collects a lifecycle topic from the beginning, for assertions on what was published. */
  async collect(logical: string): Promise<CollectedMessage[]> {
    const collector = await collectTopic(this.kafka, [this.topic(logical)]);
    this.collectors.push(collector);
    return collector.messages;
  }

  /** Calls the admin API as an operator. */
  async api(method: string, path: string, body?: unknown, token: string | null = this.adminToken) {
    const response = await fetch(`${this.apps.get('tenant-registry')!.base}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, text };
  }

  async waitForState(
    tenantId: string,
    product: string,
    state: 'ready' | 'failed' | 'deleted',
    timeoutMs = 60_000,
  ) {
    return expectEventually(
      async () => {
        const { status, body } = await this.api(
          'GET',
          `/v1/tenants/${tenantId}/services/${product}`,
        );
        expect(status).toBe(200);
        // Otherwise the whole registration shows (its stages and their causes) when this fails.
        expect({
          state: body.state,
          registration: body.state === state ? undefined : body,
        }).toEqual({ state, registration: undefined });
        return body;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  async platformQuery<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.db.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** A port for the `index`th (0–9) replica of this run, in its slot beside the apps' ports. */
  extraPort(index: number): number {
    if (!(index >= 0 && index < 10)) throw new Error(`replica port index ${index} is not 0–9`);
    return this.basePort + 10 + index;
  }

  logsOf(app: AppName): string {
    return this.apps.get(app)!.process.logs;
  }

  /** The last warnings and errors of each app, for a failure message to say what went wrong. */
  recentProblems(perApp = 8): string {
    return [...this.apps.keys()]
      .map((app) => {
        const lines = this.logsOf(app)
          .split('\n')
          .filter((line) => /"level":"(warn|error|fatal)"/.test(line))
          .slice(-perApp)
          .map((line) => `  ${line.slice(0, 600)}`);
        return lines.length ? `${app}:\n${lines.join('\n')}` : `${app}: no warnings`;
      })
      .join('\n');
  }

  /** The Kafka variables a product of this run gets (brokers and its login). */
  productKafkaEnv(product: string): Record<string, string> {
    return kafkaEnv(this.infra, this.kafkaSaslOf(`product:${product}`));
  }

  /**
   * The environment an app of this run gets (public for tests that start an extra one): the app's
   * own PostgreSQL login, and the tenant admin (CREATEROLE, CREATEDB) for the postgres-provisioner
   * only; logged in to Kafka as the app's principal. Without an app (a test's own fixture, such as
   * the console e2e's gated stage, which keeps its state in the run's database beside the apps'):
   * the run database's owner, and Kafka's super-user.
   */
  appEnv(port: number, app?: AppName): NodeJS.ProcessEnv {
    const tenantPg = new URL(this.infra.pgAdminUrl);
    const logins: NodeJS.ProcessEnv = {};
    logins.DATABASE_URL =
      app === undefined ? this.db.url : this.pgLogins.databaseUrls[known([app])[0]];
    if (app === 'postgres-provisioner') logins.TENANT_PG_ADMIN_URL = this.pgLogins.tenantAdminUrl;
    return {
      HTTP_PORT: String(port),
      LOG_LEVEL: this.logLevel,
      ...logins,
      DATABASE_POOL_SIZE: '8',
      ...kafkaEnv(
        this.infra,
        app ? this.kafkaSaslOf(`app:${known([app])[0]}`) : this.infra.kafkaSasl,
      ),
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      KAFKA_TOPIC_PARTITIONS: '6',
      ADMIN_API_TOKEN: this.adminToken,
      METRICS_TOKEN: this.metricsToken,
      PRODUCT_TOKEN_SECRET: this.productTokenSecret,
      SECRET_STORE: 'embedded',
      SECRETS_ENCRYPTION_KEY: this.encryptionKeyForTests,
      TENANT_PG_URL: `postgres://${tenantPg.host}`,
      MONGO_URL: this.infra.mongoUrl,
      MONGO_ALLOW_UNAUTHENTICATED_TENANTS: String(this.infra.mongoAllowUnauthenticatedTenants),
      RABBITMQ_MGMT_URL: this.rabbitPlatform.url,
      RABBITMQ_URL: this.infra.rabbitmqUrl,
      ...this.extraEnv,
      ...(app ? this.envFor[known([app])[0]] : {}),
    };
  }
}

export const lifecycleTopics = Topics;
