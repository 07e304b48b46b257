import { Client, ClientBase, Pool, PoolClient } from 'pg';

export interface PostgresAdminSessionsOptions {
  /** Connections to the maintenance database: one per provisioning in flight. */
  readonly maintenancePoolSize?: number;
  /** Connections per product database. */
  readonly productPoolSize?: number;
  /** How long to wait for a lock (another replica working on the same tenant) before retrying later. */
  readonly lockTimeoutMs?: number;
}

// Advisory-lock namespaces (first key of the two-key form), so tenant and database locks never collide.
const TENANT_LOCK = 0x454e4301;
const DATABASE_LOCK = 0x454e4302;
const TEMPLATE_LOCK = 0x454e4303;

/**
 * Admin sessions resolve names in pg_catalog only. A tenant owns `public` of its database: with the
 * default search_path, a function it plants there (say `public.acldefault(text, oid)`, a better match
 * for an untyped literal than the built-in) would run with the admin's rights on the next re-run.
 */
const ADMIN_SESSION = {
  application_name: 'enclave-postgres-provisioner',
  options: '-c search_path=pg_catalog',
};

/**
 * The provisioner's admin sessions on the tenant server: a pool on the maintenance database, one per
 * product database, short-lived connections to tenant databases, and the advisory locks that
 * serialize work on one tenant or on one shared product database.
 */
export class PostgresAdminSessions {
  private readonly maintenance: Pool;
  private readonly productPools = new Map<string, Pool>();

  constructor(
    private readonly adminUrl: string,
    private readonly options: PostgresAdminSessionsOptions = {},
  ) {
    this.maintenance = this.createPool(undefined, options.maintenancePoolSize ?? 4);
  }

  /** Runs `work` on one maintenance connection holding the lock of one (tenant, product). */
  withTenantLock<T>(key: string, work: (admin: PoolClient) => Promise<T>): Promise<T> {
    return this.withLock(TENANT_LOCK, key, work);
  }

  /** Runs `work` while `client` holds the lock of a database every tenant of a product shares. */
  withDatabaseLock<T>(client: ClientBase, database: string, work: () => Promise<T>): Promise<T> {
    return this.withLockOn(client, DATABASE_LOCK, database, work);
  }

  /**
   * Runs `work` while `client` holds a template database's lock: `exclusive` to build or drop it,
   * `shared` to copy it (copies run side by side), `try` to drop it only if nobody holds it
   * (undefined then, without running `work`).
   */
  async withTemplateLock<T>(
    client: ClientBase,
    template: string,
    mode: 'exclusive' | 'shared' | 'try',
    work: () => Promise<T>,
  ): Promise<T | undefined> {
    if (mode === 'exclusive') return this.withLockOn(client, TEMPLATE_LOCK, template, work);
    const take = mode === 'shared' ? 'pg_advisory_lock_shared' : 'pg_try_advisory_lock';
    const release = mode === 'shared' ? 'pg_advisory_unlock_shared' : 'pg_advisory_unlock';
    const { rows } = await client.query<{ locked: boolean | string }>(
      `SELECT ${take}($1, hashtext($2)) AS locked`,
      [TEMPLATE_LOCK, template],
    );
    if (mode === 'try' && rows[0].locked !== true) return undefined;
    try {
      return await work();
    } finally {
      await client.query(`SELECT ${release}($1, hashtext($2))`, [TEMPLATE_LOCK, template]);
    }
  }

  async withProductDatabase<T>(database: string, work: (db: PoolClient) => Promise<T>): Promise<T> {
    let pool = this.productPools.get(database);
    if (!pool) {
      pool = this.createPool(database, this.options.productPoolSize ?? 2);
      this.productPools.set(database, pool);
    }
    const db = await pool.connect();
    try {
      return await work(db);
    } finally {
      db.release();
    }
  }

  /** Tenant databases are many and touched once each: a short-lived connection, not a pool. */
  async withTenantDatabase<T>(database: string, work: (db: ClientBase) => Promise<T>): Promise<T> {
    const db = new Client({ connectionString: this.urlFor(database), ...ADMIN_SESSION });
    await db.connect();
    try {
      return await work(db);
    } finally {
      await db.end();
    }
  }

  /** Runs `work` on one maintenance connection, without a lock. */
  async withMaintenance<T>(work: (admin: PoolClient) => Promise<T>): Promise<T> {
    const admin = await this.maintenance.connect();
    try {
      return await work(admin);
    } finally {
      admin.release();
    }
  }

  /** The tenant server answers on the maintenance database. */
  async ping(): Promise<void> {
    await this.maintenance.query('SELECT 1');
  }

  async close(): Promise<void> {
    const pools = [this.maintenance, ...this.productPools.values()];
    this.productPools.clear();
    await Promise.all(pools.map((pool) => pool.end()));
  }

  /**
   * Runs `work` on one maintenance connection holding a session advisory lock. Advisory locks are
   * per database, so every replica takes them in the maintenance database of the same server.
   */
  private async withLock<T>(
    namespace: number,
    key: string,
    work: (admin: PoolClient) => Promise<T>,
  ): Promise<T> {
    const admin = await this.maintenance.connect();
    try {
      const result = await this.withLockOn(admin, namespace, key, () => work(admin));
      admin.release();
      return result;
    } catch (error) {
      // It may still hold a lock or an aborted transaction: end the session rather than pool it.
      admin.release(error as Error);
      throw error;
    }
  }

  private async withLockOn<T>(
    client: ClientBase,
    namespace: number,
    key: string,
    work: () => Promise<T>,
  ): Promise<T> {
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [namespace, key]);
    let result: T;
    try {
      result = await work();
    } catch (error) {
      await client
        .query('SELECT pg_advisory_unlock($1, hashtext($2))', [namespace, key])
        .catch(() => undefined);
      throw error;
    }
    await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [namespace, key]);
    return result;
  }

  private createPool(database: string | undefined, max: number): Pool {
    const pool = new Pool({
      connectionString: database === undefined ? this.adminUrl : this.urlFor(database),
      max,
      idleTimeoutMillis: 30_000,
      lock_timeout: this.options.lockTimeoutMs ?? 30_000,
      ...ADMIN_SESSION,
    });
    // An idle connection dropped by the server is replaced on next use; it must not crash the process.
    pool.on('error', () => undefined);
    return pool;
  }

  private urlFor(database: string): string {
    const url = new URL(this.adminUrl);
    url.pathname = `/${encodeURIComponent(database)}`;
    return url.toString();
  }
}
