import { IsolationMode, tenantResourceNames } from '@enclave/contracts';
import { recordExercised, testInfra } from '@enclave/testing';
import { randomBytes } from 'node:crypto';
import { Client, escapeIdentifier } from 'pg';
import { PostgresTenantProvisioner } from '../../../apps/postgres-provisioner/src/provisioning/postgres-tenant.provisioner';
import { scramSha256Verifier } from '../../../apps/postgres-provisioner/src/provisioning/scram-verifier';

export interface TestTenant {
  readonly tenantId: string;
  readonly product: string;
  readonly mode: IsolationMode;
  readonly username: string;
  password: string;
  readonly database: string;
  readonly schema: string;
}

/**
 * Advisory lock key on the password-checking server: held by a suite while it has taken CONNECT on
 * `postgres` from PUBLIC (platform-roles), held shared by a suite relying on PUBLIC's CONNECT there.
 */
export const POSTGRES_ACL_LOCK = 'enclave.test.postgres-public-connect';

/**
 * The test profile's private PostgreSQL, where every login needs its password (scram-sha-256): the
 * machine's shared server trusts 127.0.0.1, so only here is a wrong password refused by the server.
 */
function scramAdminUrl(): string {
  const url = testInfra().pgScramAdminUrl;
  if (!url) {
    throw new Error(
      'PG_SCRAM_ADMIN_URL is not set: start the servers with `INFRA_PROFILE=test bash scripts/infra-up.sh` ' +
        '(it runs a private PostgreSQL that checks passwords) or run `npm test`.',
    );
  }
  return url;
}

/**
 * One suite's world on a real tenant PostgreSQL server that checks passwords (scram-sha-256, so a
 * wrong, rotated-out or neighbour's password is refused by the server's own authentication): a
 * product name of its own (so its shared product database is its own too), unique tenants, and
 * cleanup of everything it made.
 */
export class PostgresTenantHarness {
  readonly infra = testInfra();
  readonly adminUrl = scramAdminUrl();
  readonly product = `it${randomBytes(4).toString('hex')}`;
  readonly provisioner = new PostgresTenantProvisioner(this.adminUrl);
  private readonly tenants: TestTenant[] = [];
  private readonly cleanups: Array<() => Promise<unknown>> = [];
  private readonly clients: Client[] = [];

  /** A fresh, valid tenant id: `it-<hex>` plus an optional suffix. */
  static tenantId(suffix = ''): string {
    return `it-${randomBytes(4).toString('hex')}${suffix}`;
  }

  static password(): string {
    return randomBytes(32).toString('base64url');
  }

  tenant(
    mode: IsolationMode,
    tenantId = PostgresTenantHarness.tenantId(),
    product = this.product,
  ): TestTenant {
    const names = tenantResourceNames(tenantId, product, mode);
    const tenant: TestTenant = {
      tenantId,
      product,
      mode,
      username: names.pgRole,
      password: PostgresTenantHarness.password(),
      database: names.pgDatabase,
      schema: names.pgSchema,
    };
    this.tenants.push(tenant);
    return tenant;
  }

  /** Registers extra cleanup, run (last registered first) before the tenants are deprovisioned. */
  onCleanup(cleanup: () => Promise<unknown>): void {
    this.cleanups.unshift(cleanup);
  }

  async provision(tenant: TestTenant, provisioner = this.provisioner) {
    return provisioner.provision({ ...tenant });
  }

  /** The admin's view, in any database of the server. */
  async admin<R extends object = Record<string, unknown>>(
    database: string,
    sql: string,
    params: unknown[] = [],
  ): Promise<R[]> {
    const client = new Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return (await client.query<R>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  /** A connection as the tenant role with this password: the server checks it (scram-sha-256). */
  async connectAs(role: string, password: string, database: string): Promise<Client> {
    const client = new Client({ connectionString: this.url(database, role, password) });
    client.on('error', () => undefined); // terminated sessions (deprovision) must not crash the run
    await client.connect();
    this.clients.push(client);
    return client;
  }

  /** Whether the role's stored SCRAM verifier was made from exactly this password. */
  async passwordMatches(role: string, password: string): Promise<boolean> {
    const [row] = await this.admin<{ rolpassword: string | null }>(
      'postgres',
      'SELECT rolpassword FROM pg_authid WHERE rolname = $1',
      [role],
    );
    const match = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(row?.rolpassword ?? '');
    if (!match) return false;
    const expected = await scramSha256Verifier(
      password,
      Buffer.from(match[2], 'base64'),
      Number(match[1]),
    );
    return expected === row.rolpassword;
  }

  async roleCount(role: string): Promise<number> {
    const rows = await this.admin<{ n: number }>(
      'postgres',
      'SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1',
      [role],
    );
    return rows[0].n;
  }

  async databaseOwner(database: string): Promise<string | undefined> {
    const rows = await this.admin<{ owner: string }>(
      'postgres',
      'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1',
      [database],
    );
    return rows[0]?.owner;
  }

  async schemaOwner(database: string, schema: string): Promise<string | undefined> {
    if ((await this.databaseOwner(database)) === undefined) return undefined;
    const rows = await this.admin<{ owner: string }>(
      database,
      'SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = $1',
      [schema],
    );
    return rows[0]?.owner;
  }

  async recordExercised(): Promise<void> {
    const [row] = await this.admin<{ server_version: string }>('postgres', 'SHOW server_version');
    recordExercised(
      'PostgreSQL',
      `${new URL(this.adminUrl).host} (server ${row.server_version}, scram-sha-256 required: passwords checked by the server) tenant provisioning`,
    );
  }

  async tearDown(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.end().catch(() => undefined)));
    const failures: unknown[] = [];
    // Foreign objects planted by tests go first: deprovision rightly refuses to run while they exist.
    for (const cleanup of this.cleanups) await cleanup().catch((error) => failures.push(error));
    for (const t of this.tenants) {
      await this.provisioner.deprovision(t).catch((error) => failures.push(error));
    }
    await this.provisioner.close();
    // The suite's shared product database: provisioning keeps it (other tenants live there).
    await this.admin(
      'postgres',
      `DROP DATABASE IF EXISTS ${escapeIdentifier(`p_${this.product}`)} WITH (FORCE)`,
    );
    if (failures.length > 0) throw failures[0];
  }

  url(database: string, user?: string, password?: string): string {
    const url = new URL(this.adminUrl);
    url.pathname = `/${database}`;
    if (user !== undefined) {
      url.username = user;
      url.password = password ?? '';
    }
    return url.toString();
  }
}

/** The SQLSTATE a promise was rejected with (or 'resolved'), for asserting which refusal happened. */
export async function sqlState(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return (error as { code?: string }).code ?? `no code: ${(error as Error).message}`;
  }
}
