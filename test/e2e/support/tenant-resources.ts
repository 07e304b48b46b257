import {
  IsolationMode,
  ProductName,
  TenantResourceNames,
  tenantResourceNames,
} from '@enclave/contracts';
import { TestInfra, recordExercised } from '@enclave/testing';
import { MongoClient } from 'mongodb';
import { Client } from 'pg';
import { PostgresTenantProvisioner } from '../../../apps/postgres-provisioner/src/provisioning/postgres-tenant.provisioner';
import { RabbitMqTenantProvisioner } from '../../../apps/broker-provisioner/src/provisioning/rabbitmq-tenant.provisioner';
import { MongoTenantProvisioner } from '../../../apps/mongo-provisioner/src/provisioning/mongo-tenant.provisioner';

export interface Credential {
  readonly username: string;
  readonly password: string;
}

const PRODUCTS: ProductName[] = ['ledger', 'tracer'];

/** Looks at the tenants' real resources directly on each server, and removes them after a run. */
export class TenantResources {
  constructor(private readonly infra: TestInfra) {}

  async postgres(names: TenantResourceNames) {
    const admin = await this.connect(this.infra.pgAdminUrl);
    const roles = (await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [names.pgRole]))
      .rowCount;
    const databases = (
      await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [names.pgDatabase])
    ).rowCount;
    await admin.end();
    if (databases === 0) return { roles, databases, schemas: 0, tables: 0 };
    const inside = await this.connect(this.urlFor(names.pgDatabase));
    try {
      const schemas = (
        await inside.query(
          'SELECT 1 FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner WHERE nspname = $1 AND rolname = $2',
          [names.pgSchema, names.pgRole],
        )
      ).rowCount;
      const tables = (
        await inside.query(
          `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1 AND tableowner = $2 AND tablename <> 'enclave_schema_migrations'`,
          [names.pgSchema, names.pgRole],
        )
      ).rows[0].n;
      return { roles, databases, schemas, tables };
    } finally {
      await inside.end();
    }
  }

  async mongoDatabaseExists(name: string): Promise<boolean> {
    const client = await new MongoClient(this.infra.mongoUrl).connect();
    try {
      const { databases } = await client.db('admin').admin().listDatabases();
      recordExercised(
        'MongoDB',
        `${new URL(this.infra.mongoUrl).host} (${this.infra.mongoServerKind})`,
      );
      return databases.some((d) => d.name === name);
    } finally {
      await client.close();
    }
  }

  queueExists(vhost: string, queue: string): Promise<boolean> {
    return this.rabbitHas(`queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`);
  }

  /** A query as the PostgreSQL administrator in `database` (to look at, or to plant test data). */
  async queryIn<T>(database: string, sql: string, params: unknown[] = []): Promise<T[]> {
    const client = await this.connect(this.urlFor(database));
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** The names of a Mongo collection's indexes in `database`. */
  async mongoIndexes(database: string, collection: string): Promise<string[]> {
    const client = await new MongoClient(this.infra.mongoUrl, {
      serverSelectionTimeoutMS: 5_000,
    }).connect();
    try {
      const indexes = await client.db(database).collection(collection).listIndexes().toArray();
      return indexes.map((i) => String(i.name));
    } finally {
      await client.close();
    }
  }

  vhostExists(vhost: string): Promise<boolean> {
    return this.rabbitHas(`vhosts/${encodeURIComponent(vhost)}`);
  }

  rabbitUserExists(user: string): Promise<boolean> {
    return this.rabbitHas(`users/${encodeURIComponent(user)}`);
  }

  tenantUrl(credential: Credential, database: string): string {
    const url = new URL(this.infra.pgAdminUrl);
    url.username = encodeURIComponent(credential.username);
    url.password = encodeURIComponent(credential.password);
    url.pathname = `/${database}`;
    return url.toString();
  }

  amqpUrl(credential: Credential, vhost: string): string {
    const url = new URL(this.infra.rabbitmqUrl);
    return `amqp://${encodeURIComponent(credential.username)}:${encodeURIComponent(credential.password)}@${url.host}/${encodeURIComponent(vhost)}`;
  }

  async createForeignDatabase(name: string): Promise<void> {
    const admin = await this.connect(this.infra.pgAdminUrl);
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
  }

  /** What an operator does about a foreign database in the way: drops it. */
  async dropForeignDatabase(name: string): Promise<void> {
    const admin = await this.connect(this.infra.pgAdminUrl);
    await admin.query(`DROP DATABASE "${name}"`);
    await admin.end();
  }

  async databaseOwner(name: string): Promise<string | undefined> {
    const admin = await this.connect(this.infra.pgAdminUrl);
    const { rows } = await admin.query(
      'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1',
      [name],
    );
    await admin.end();
    return rows[0]?.owner;
  }

  /** Removes every resource any test tenant may have got, with the provisioners' own teardown. */
  async cleanUp(
    tenantIds: string[],
    combinations: [ProductName, IsolationMode][] = PRODUCTS.flatMap((p) => [
      [p, 'DATABASE'] as [ProductName, IsolationMode],
      [p, 'SCHEMA'] as [ProductName, IsolationMode],
    ]),
  ): Promise<void> {
    const postgres = new PostgresTenantProvisioner(this.infra.pgAdminUrl);
    const rabbit = new RabbitMqTenantProvisioner(this.infra.rabbitmqMgmtUrl);
    const mongo = new MongoTenantProvisioner(this.infra.mongoUrl);
    try {
      for (const tenantId of tenantIds) {
        for (const [product, mode] of combinations) {
          const names = tenantResourceNames(tenantId, product, mode);
          if (mode === 'DATABASE' && (await this.databaseOwner(names.pgDatabase)) === 'postgres') {
            const admin = await this.connect(this.infra.pgAdminUrl);
            await admin.query(`DROP DATABASE IF EXISTS "${names.pgDatabase}" WITH (FORCE)`);
            await admin.end();
          }
          await postgres.deprovision({ tenantId, product, mode });
        }
        for (const product of new Set(combinations.map(([p]) => p))) {
          await rabbit.deprovision({ tenantId, product });
          await mongo.deprovision({ tenantId, product });
        }
      }
    } finally {
      await postgres.close();
      await mongo.close();
    }
  }

  private urlFor(database: string): string {
    const url = new URL(this.infra.pgAdminUrl);
    url.pathname = `/${database}`;
    return url.toString();
  }

  private async rabbitHas(apiPath: string): Promise<boolean> {
    const url = new URL(this.infra.rabbitmqMgmtUrl);
    const response = await fetch(`${url.origin}/api/${apiPath}`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`,
      },
    });
    return response.status === 200;
  }

  private async connect(url: string): Promise<Client> {
    const client = new Client({ connectionString: url });
    await client.connect();
    return client;
  }
}
