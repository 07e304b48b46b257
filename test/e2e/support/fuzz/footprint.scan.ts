import { TestInfra } from '@enclave/testing';
import { MongoClient } from 'mongodb';
import { Client } from 'pg';

/** Everything the fuzz run must leave as it was, each entry a name and a fingerprint of its state. */
export interface Footprint {
  /** Shared servers: PostgreSQL databases, roles and tenant schemas; RabbitMQ; MongoDB. */
  readonly shared: Record<string, string>;
  /** This run's own platform database: every table of every app, and the vault's secret versions. */
  readonly platform: Record<string, string>;
}

export interface FootprintChange {
  readonly item: string;
  readonly before: string | null;
  readonly after: string | null;
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

function inDatabase(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Snapshots of the servers, before and after the fuzzing: PostgreSQL (databases, roles with their
 * login, limit and password hash, the schemas and owners inside every tenant database), RabbitMQ
 * (vhosts, users with their password hash and tags, permissions), MongoDB (databases), and the
 * run's platform database (a hash of every row of every table, the embedded vault's included).
 */
export class FootprintScan {
  constructor(
    private readonly infra: TestInfra,
    private readonly platformDatabaseUrl: string,
    /** Tables expected to change (the dead letters the fuzzing is meant to produce). */
    private readonly expectedToChange: readonly string[],
  ) {}

  async take(): Promise<Footprint> {
    const shared: Record<string, string> = {};
    const admin = this.infra.pgAdminUrl;
    const databases = await query<{ datname: string; owner: string }>(
      admin,
      `SELECT datname, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datallowconn`,
    );
    for (const d of databases) shared[`postgres database ${d.datname}`] = `owner ${d.owner}`;
    const roles = await query<{ rolname: string; state: string }>(
      admin,
      `SELECT rolname, concat_ws(' ', rolcanlogin, rolconnlimit, rolvaliduntil, md5(coalesce(rolpassword, '')),
              array_to_string(setconfig, ',')) AS state
         FROM pg_authid LEFT JOIN pg_db_role_setting ON setrole = pg_authid.oid AND setdatabase = 0`,
    );
    for (const r of roles) shared[`postgres role ${r.rolname}`] = r.state;
    for (const d of databases.filter((d) => /^(t|p)_/.test(d.datname))) {
      // A tenant database may be dropped by another run between the listing and this read.
      const schemas = await query<{ nspname: string; owner: string }>(
        inDatabase(admin, d.datname),
        `SELECT nspname, pg_get_userbyid(nspowner) AS owner FROM pg_namespace
          WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'`,
      ).catch(() => []);
      for (const s of schemas) {
        shared[`postgres schema ${d.datname}.${s.nspname}`] = `owner ${s.owner}`;
      }
    }
    for (const [name, state] of Object.entries(await this.rabbit())) shared[name] = state;
    for (const name of await this.mongoDatabases()) shared[`mongo database ${name}`] = 'exists';
    return { shared, platform: await this.platformTables() };
  }

  /** What differs between two snapshots, item by item. */
  static diff(before: Record<string, string>, after: Record<string, string>): FootprintChange[] {
    const items = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...items]
      .filter((item) => before[item] !== after[item])
      .sort()
      .map((item) => ({ item, before: before[item] ?? null, after: after[item] ?? null }));
  }

  private async platformTables(): Promise<Record<string, string>> {
    const tables = await query<{ name: string }>(
      this.platformDatabaseUrl,
      `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
        WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    );
    const state: Record<string, string> = {};
    for (const { name } of tables) {
      if (this.expectedToChange.includes(name)) continue;
      const [row] = await query<{ rows: number; hash: string }>(
        this.platformDatabaseUrl,
        `SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS hash
           FROM ${name} t`,
      );
      state[`platform table ${name}`] = `${row.rows} rows, ${row.hash}`;
    }
    const secrets = await query<{ path: string; versions: number; latest: number }>(
      this.platformDatabaseUrl,
      `SELECT path, count(*)::int AS versions, max(version) AS latest
         FROM enclave_vault.secret_version GROUP BY path`,
    ).catch(() => []);
    for (const s of secrets)
      state[`vault secret ${s.path}`] = `${s.versions} versions, latest ${s.latest}`;
    return state;
  }

  private async rabbit(): Promise<Record<string, string>> {
    const url = new URL(this.infra.rabbitmqMgmtUrl);
    const auth = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    const get = async <T>(path: string): Promise<T[]> => {
      const response = await fetch(`${url.origin}/api/${path}`, {
        headers: { authorization: auth },
      });
      if (!response.ok) throw new Error(`RabbitMQ ${path}: ${response.status}`);
      return (await response.json()) as T[];
    };
    const state: Record<string, string> = {};
    for (const v of await get<{ name: string }>('vhosts'))
      state[`rabbitmq vhost ${v.name}`] = 'exists';
    for (const u of await get<{ name: string; password_hash: string; tags: unknown }>('users')) {
      state[`rabbitmq user ${u.name}`] = `${u.password_hash} ${JSON.stringify(u.tags)}`;
    }
    for (const p of await get<{
      user: string;
      vhost: string;
      configure: string;
      write: string;
      read: string;
    }>('permissions')) {
      state[`rabbitmq permission ${p.user}@${p.vhost}`] = `${p.configure} ${p.write} ${p.read}`;
    }
    return state;
  }

  private async mongoDatabases(): Promise<string[]> {
    const client = await new MongoClient(this.infra.mongoUrl, {
      serverSelectionTimeoutMS: 5_000,
    }).connect();
    try {
      const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
      return databases.map((d) => d.name);
    } finally {
      await client.close();
    }
  }
}
