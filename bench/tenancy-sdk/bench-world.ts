import { tenantResourceNames } from '@enclave/contracts';
import { EmbeddedSecretStore, EncryptionKeyRing, generatePassword } from '@enclave/secret-store';
import { InMemoryRegistrationDirectory } from '@enclave/tenancy-sdk';
import { withPgClient } from '@enclave/testing';
import { randomBytes } from 'node:crypto';
import { Client, escapeIdentifier as q, escapeLiteral } from 'pg';
import { DataSource } from 'typeorm';

export interface BenchTenant {
  readonly tenantId: string;
  /** The schema the SDK must pin its pool to (`tenantResourceNames(...).pgSchema`). */
  readonly schema: string;
  /** The login role whose credentials the vault holds for this tenant. */
  readonly role: string;
}

export interface BenchRole {
  readonly name: string;
  readonly password: string;
}

/**
 * The benchmark's own corner of the real PostgreSQL, laid out the way the platform provisions a
 * SCHEMA-mode product: one product database `p_<product>`, one schema per tenant owned by a login
 * role, the role's credentials in an EmbeddedSecretStore (AES-256-GCM rows in PostgreSQL) at the
 * tenant's vault path, and the registration facts in an InMemoryRegistrationDirectory.
 *
 * Departure from production, for scale: tenants share a few login roles instead of one role each
 * (10,000 roles would measure CREATE ROLE, not the SDK). Every tenant still has its own schema, its
 * own vault entry and therefore its own pinned pool in the SDK's cache.
 *
 * `drop()` removes the database and the roles; it is idempotent and safe after a partial `create()`.
 */
export class BenchWorld {
  readonly run = randomBytes(3).toString('hex');
  /** ≤ 20 chars, [a-z0-9]: a valid product name, so the database is `p_<product>`. */
  readonly product = `tsdkbench${this.run}`;
  readonly database = tenantResourceNames('probe', this.product, 'SCHEMA').pgDatabase;
  readonly directory = new InMemoryRegistrationDirectory();
  readonly roles: Record<'latency' | 'scale', BenchRole> = {
    latency: { name: `bench_tsdk_${this.run}_latency`, password: generatePassword() },
    scale: { name: `bench_tsdk_${this.run}_scale`, password: generatePassword() },
  };
  secrets!: EmbeddedSecretStore;
  private dataSource?: DataSource;
  private createdDatabase = false;
  private dropped?: Promise<void>;

  constructor(private readonly adminUrl: string) {}

  get host(): string {
    return new URL(this.adminUrl).hostname;
  }

  get port(): number {
    return Number(new URL(this.adminUrl).port || 5432);
  }

  tenant(tenantId: string, role: BenchRole): BenchTenant {
    return {
      tenantId,
      schema: tenantResourceNames(tenantId, this.product, 'SCHEMA').pgSchema,
      role: role.name,
    };
  }

  /** The product database, the roles, the vault; then `addTenants` for the tenants. */
  async create(vaultPoolSize: number): Promise<void> {
    await this.admin('postgres', async (admin) => {
      await admin.query(`CREATE DATABASE ${q(this.database)}`);
      this.createdDatabase = true;
      await admin.query(`REVOKE ALL ON DATABASE ${q(this.database)} FROM PUBLIC`);
      for (const role of Object.values(this.roles)) {
        await admin.query(
          `CREATE ROLE ${q(role.name)} LOGIN NOINHERIT PASSWORD ${escapeLiteral(role.password)}`,
        );
        await admin.query(`GRANT CONNECT ON DATABASE ${q(this.database)} TO ${q(role.name)}`);
      }
    });
    await this.admin(this.database, (db) => db.query('REVOKE ALL ON SCHEMA public FROM PUBLIC'));
    const url = new URL(this.adminUrl);
    url.pathname = `/${this.database}`;
    this.dataSource = await new DataSource({
      type: 'postgres',
      url: url.toString(),
      extra: { max: vaultPoolSize, application_name: `bench-tsdk-vault-${this.run}` },
    }).initialize();
    // The vault's table lives in the product database here (schema enclave_vault, no grants to the
    // tenant roles), so dropping one database removes everything.
    this.secrets = new EmbeddedSecretStore(
      this.dataSource,
      EncryptionKeyRing.fromConfig(randomBytes(32).toString('base64')),
    );
    await this.secrets.ensureSchema();
  }

  /**
   * Each tenant: its schema (owned by its role), its credential in the vault (through the store's
   * own `put`, `concurrency` at a time) and its registration facts (SCHEMA mode, ready).
   */
  async addTenants(tenants: readonly BenchTenant[], concurrency: number): Promise<void> {
    for (let i = 0; i < tenants.length; i += 2_000) {
      const ddl = tenants
        .slice(i, i + 2_000)
        .map((t) => `CREATE SCHEMA ${q(t.schema)} AUTHORIZATION ${q(t.role)};`)
        .join('\n');
      await this.admin(this.database, (db) => db.query(ddl));
    }
    const password = new Map(Object.values(this.roles).map((r) => [r.name, r.password]));
    let next = 0;
    const worker = async () => {
      while (next < tenants.length) {
        const t = tenants[next++];
        const names = tenantResourceNames(t.tenantId, this.product, 'SCHEMA');
        await this.secrets.put(names.secretPath('postgres'), {
          username: t.role,
          password: password.get(t.role) as string,
        });
        this.directory.set(t.tenantId, this.product, { isolationMode: 'SCHEMA', state: 'ready' });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  /** Server backends logged in as `role`, as pg_stat_activity sees them. */
  async backendsOf(role: BenchRole): Promise<number> {
    return this.admin('postgres', async (admin) => {
      const { rows } = await admin.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1',
        [role.name],
      );
      return rows[0].n;
    });
  }

  /** Drops the database (terminating any backend left) and the roles. Idempotent. */
  drop(): Promise<void> {
    this.dropped ??= (async () => {
      const failures: unknown[] = [];
      await this.dataSource?.destroy().catch((e) => failures.push(e));
      await this.admin('postgres', async (admin) => {
        if (this.createdDatabase) {
          await admin.query(`DROP DATABASE IF EXISTS ${q(this.database)} WITH (FORCE)`);
        }
        for (const role of Object.values(this.roles)) {
          await admin.query(`DROP ROLE IF EXISTS ${q(role.name)}`);
        }
      }).catch((e) => failures.push(e));
      if (failures.length > 0) throw failures[0];
    })();
    return this.dropped;
  }

  admin<T>(database: string, work: (client: Client) => Promise<T>): Promise<T> {
    return withPgClient(this.adminUrl, database, work);
  }
}
