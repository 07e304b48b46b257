import {
  IsolationMode,
  ResourceKind,
  TenantResourceNames,
  tenantResourceNames,
} from '@enclave/contracts';
import { EmbeddedSecretStore, EncryptionKeyRing, generatePassword } from '@enclave/secret-store';
import {
  InMemoryRegistrationDirectory,
  TenantConnectionManager,
  TenantConnectionManagerOptions,
  VaultTenantResolver,
} from '@enclave/tenancy-sdk';
import {
  TestDatabase,
  createTestDatabase,
  recordExercised,
  testInfra,
  withPgClient,
} from '@enclave/testing';
import { MongoClient } from 'mongodb';
import { randomBytes } from 'node:crypto';
import { Client, escapeIdentifier as q, escapeLiteral } from 'pg';
import { DataSource } from 'typeorm';

export interface WorldTenant {
  readonly tenantId: string;
  readonly mode: IsolationMode;
  readonly role: string;
  readonly database: string;
  readonly schema: string;
  readonly names: TenantResourceNames;
}

/**
 * One suite's world on the real PostgreSQL: a product of its own, tenants whose roles, databases and
 * schemas are made here as the admin (the way the platform's provisioner lays them out: a login
 * role owning its schema in the shared product database, or its own database), their credentials
 * in an EmbeddedSecretStore, and the registration facts in memory. Everything is dropped after.
 */
export class TenancyWorld {
  readonly infra = testInfra();
  readonly run = randomBytes(4).toString('hex');
  readonly product = `it${this.run}`;
  readonly directory = new InMemoryRegistrationDirectory();
  readonly tenants: WorldTenant[] = [];
  secrets!: EmbeddedSecretStore;
  private platform?: TestDatabase;
  private dataSource?: DataSource;
  private readonly managers: TenantConnectionManager[] = [];
  private mongoAdmin?: MongoClient;
  /** Whether the MongoDB server has users (a real mongod) or not (mongo-java-server). */
  mongoUsers = false;

  async start(): Promise<void> {
    this.platform = await createTestDatabase(this.infra.pgAdminUrl, 'tenancy_sdk_vault');
    this.dataSource = await new DataSource({
      type: 'postgres',
      url: this.platform.url,
      extra: { max: 2 },
    }).initialize();
    this.secrets = new EmbeddedSecretStore(
      this.dataSource,
      EncryptionKeyRing.fromConfig(randomBytes(32).toString('base64')),
    );
    await this.secrets.ensureSchema();
  }

  /**
   * Registers a ready tenant with the given stores: PostgreSQL (its role and database or schema, with
   * an `entries` table it owns), MongoDB (its user, where the server has users), RabbitMQ (its vhost
   * and user); each credential in the vault.
   */
  async addTenant(
    label: string,
    mode: IsolationMode,
    stores: readonly ResourceKind[] = ['postgres'],
  ): Promise<WorldTenant> {
    const tenantId = `${label}-${this.run}`;
    const names = tenantResourceNames(tenantId, this.product, mode);
    const tenant: WorldTenant = {
      tenantId,
      mode,
      role: names.pgRole,
      database: names.pgDatabase,
      schema: names.pgSchema,
      names,
    };
    this.tenants.push(tenant);
    if (stores.includes('postgres')) await this.addPostgres(tenant);
    if (stores.includes('mongodb')) await this.addMongo(tenant);
    if (stores.includes('rabbitmq')) await this.addRabbit(tenant);
    this.directory.set(tenantId, this.product, { isolationMode: mode, state: 'ready' });
    return tenant;
  }

  private async addPostgres(tenant: WorldTenant): Promise<void> {
    const { mode, names } = tenant;
    const password = generatePassword();
    await this.admin('postgres', async (admin) => {
      await admin.query(
        `CREATE ROLE ${q(tenant.role)} LOGIN NOINHERIT PASSWORD ${escapeLiteral(password)}`,
      );
      if (mode === 'DATABASE') {
        await admin.query(`CREATE DATABASE ${q(tenant.database)} OWNER ${q(tenant.role)}`);
      } else {
        const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
          tenant.database,
        ]);
        if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${q(tenant.database)}`);
        await admin.query(`GRANT CONNECT ON DATABASE ${q(tenant.database)} TO ${q(tenant.role)}`);
      }
      await admin.query(`REVOKE ALL ON DATABASE ${q(tenant.database)} FROM PUBLIC`);
    });
    await this.admin(tenant.database, async (db) => {
      await db.query('REVOKE ALL ON SCHEMA public FROM PUBLIC');
      if (mode === 'SCHEMA') {
        await db.query(`CREATE SCHEMA ${q(tenant.schema)} AUTHORIZATION ${q(tenant.role)}`);
      } else {
        await db.query(`ALTER SCHEMA public OWNER TO ${q(tenant.role)}`);
      }
      await db.query(`SET ROLE ${q(tenant.role)}`);
      await db.query(
        `CREATE TABLE ${q(tenant.schema)}.entries (id serial PRIMARY KEY, note text NOT NULL)`,
      );
    });
    await this.secrets.put(names.secretPath('postgres'), { username: tenant.role, password });
  }

  private async addMongo(tenant: WorldTenant): Promise<void> {
    const { mongoDatabase: database, mongoUser: user } = tenant.names;
    const password = generatePassword();
    if (!this.mongoAdmin) {
      this.mongoAdmin = await new MongoClient(this.infra.mongoUrl).connect();
      // mongo-java-server has no user management: tenants are told apart by database only.
      this.mongoUsers = await this.mongoAdmin
        .db('admin')
        .command({ usersInfo: 1 })
        .then(
          () => true,
          () => false,
        );
      recordExercised('MongoDB', `${this.infra.mongoServerKind} tenancy SDK clients`);
    }
    if (this.mongoUsers) {
      await this.mongoAdmin
        .db(database)
        .command({ createUser: user, pwd: password, roles: [{ role: 'readWrite', db: database }] });
    }
    await this.secrets.put(tenant.names.secretPath('mongodb'), { username: user, password });
  }

  private async addRabbit(tenant: WorldTenant): Promise<void> {
    const { vhost, rabbitUser: user } = tenant.names;
    const password = generatePassword();
    await this.rabbitAdmin('PUT', `vhosts/${vhost}`, {});
    await this.rabbitAdmin('PUT', `users/${user}`, { password, tags: '' });
    await this.rabbitAdmin('PUT', `permissions/${vhost}/${user}`, {
      configure: '.*',
      write: '.*',
      read: '.*',
    });
    await this.secrets.put(tenant.names.secretPath('rabbitmq'), { username: user, password });
  }

  /** A manager over this world's resolver (endpoints of every real server); closed in stop(). */
  manager(
    options: Pick<TenantConnectionManagerOptions, 'postgres' | 'mongodb' | 'rabbitmq'> = {},
  ): TenantConnectionManager {
    const pg = new URL(this.infra.pgAdminUrl);
    const amqp = new URL(this.infra.rabbitmqUrl);
    const mongo = new URL(this.infra.mongoUrl);
    mongo.username = '';
    mongo.password = '';
    const manager = new TenantConnectionManager({
      product: this.product,
      multiTenant: true,
      resolver: new VaultTenantResolver({
        directory: this.directory,
        secrets: this.secrets,
        // The stores this manager is given limits for (PostgreSQL alone by default).
        endpoints: {
          ...((options.postgres || (!options.mongodb && !options.rabbitmq)) && {
            postgres: { host: pg.hostname, port: Number(pg.port || 5432) },
          }),
          ...(options.mongodb && { mongodb: { url: `${mongo.protocol}//${mongo.host}/` } }),
          ...(options.rabbitmq && {
            rabbitmq: { host: amqp.hostname, port: Number(amqp.port || 5672) },
          }),
        },
      }),
      ...options,
      postgres: { applicationName: `enclave-it-${this.run}`, ...options.postgres },
    });
    this.managers.push(manager);
    return manager;
  }

  async rabbitAdmin(method: string, path: string, body?: unknown): Promise<unknown> {
    const url = new URL(this.infra.rabbitmqMgmtUrl);
    const auth = Buffer.from(
      `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
    ).toString('base64');
    const segments = path.split('/').map(encodeURIComponent).join('/');
    const response = await fetch(`${url.origin}/api/${segments}`, {
      method,
      headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 300 && !(method === 'DELETE' && response.status === 404)) {
      throw new Error(`${method} ${path}: ${response.status}`);
    }
    const text = await response.text();
    return text ? JSON.parse(text) : undefined;
  }

  admin<T>(database: string, work: (client: Client) => Promise<T>): Promise<T> {
    return withPgClient(this.infra.pgAdminUrl, database, work);
  }

  /** Backends of this run's SDK connections, as the server sees them. */
  async sdkBackends(applicationName = `enclave-it-${this.run}`): Promise<number> {
    return this.admin('postgres', async (admin) => {
      const { rows } = await admin.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
        [applicationName],
      );
      return rows[0].n;
    });
  }

  /** Removes everything the world made; every step runs even if an earlier one failed. */
  async stop(): Promise<void> {
    const failures: unknown[] = [];
    const step = (work: () => Promise<unknown>) => work().catch((error) => failures.push(error));
    await Promise.allSettled(this.managers.map((m) => m.close(2_000)));
    await step(() =>
      this.admin('postgres', async (admin) => {
        for (const database of new Set(this.tenants.map((t) => t.database))) {
          await admin.query(`DROP DATABASE IF EXISTS ${q(database)} WITH (FORCE)`);
        }
        for (const t of this.tenants) await admin.query(`DROP ROLE IF EXISTS ${q(t.role)}`);
      }),
    );
    for (const { names } of this.tenants) {
      const mongo = this.mongoAdmin?.db(names.mongoDatabase);
      if (mongo) await step(() => mongo.dropDatabase());
      if (mongo && this.mongoUsers) await step(() => mongo.command({ dropUser: names.mongoUser }));
      await step(() => this.rabbitAdmin('DELETE', `vhosts/${names.vhost}`));
      await step(() => this.rabbitAdmin('DELETE', `users/${names.rabbitUser}`));
    }
    await step(async () => this.mongoAdmin?.close());
    await step(async () => this.dataSource?.destroy());
    await step(async () => this.platform?.drop());
    if (failures.length > 0) throw failures[0];
  }
}
