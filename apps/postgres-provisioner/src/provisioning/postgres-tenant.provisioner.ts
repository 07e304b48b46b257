import {
  IsolationMode,
  TenantResourceNames,
  isolationModeSchema,
  productNameSchema,
  tenantIdSchema,
  tenantResourceNames,
} from '@enclave/contracts';
import { PermanentStageError } from '@enclave/lifecycle';
import { Client, ClientBase, Pool, PoolClient, escapeIdentifier, escapeLiteral } from 'pg';
import { scramSha256Verifier } from './scram-verifier';

export interface PostgresTenantTarget {
  readonly tenantId: string;
  readonly product: string;
  readonly mode: IsolationMode;
}

export interface PostgresTenantCredentials extends PostgresTenantTarget {
  readonly username: string;
  readonly password: string;
}

export interface ProvisionedPostgres {
  readonly database: string;
  readonly schema: string;
  readonly role: string;
}

export interface PostgresTenantProvisionerOptions {
  /** Connections to the maintenance database: one per provisioning in flight. */
  readonly maintenancePoolSize?: number;
  /** Connections per product database. */
  readonly productPoolSize?: number;
  /** How long to wait for a lock (another replica working on the same tenant) before retrying later. */
  readonly lockTimeoutMs?: number;
  readonly roleConnectionLimit?: number;
}

// Advisory-lock namespaces (first key of the two-key form), so tenant and database locks never collide.
const TENANT_LOCK = 0x454e4301;
const DATABASE_LOCK = 0x454e4302;

const DUPLICATE = new Set(['42710', '42P04', '42P06', '23505']);
const MARKER = 'enclave:postgres-provisioner';

/**
 * Admin sessions resolve names in pg_catalog only. A tenant owns `public` of its database: with the
 * default search_path, a function it plants there (say `public.acldefault(text, oid)`, a better match
 * for an untyped literal than the built-in) would run with the admin's rights on the next re-run.
 */
const ADMIN_SESSION = {
  application_name: 'enclave-postgres-provisioner',
  options: '-c search_path=pg_catalog',
};

interface AdminRole {
  readonly name: string;
  readonly superuser: boolean;
}

interface RoleRow {
  readonly rolsuper: boolean;
  readonly rolreplication: boolean;
  readonly rolbypassrls: boolean;
  readonly marker: string | null;
}

/**
 * Creates and removes a tenant's PostgreSQL resources: a login role that owns its own database
 * (DATABASE mode) or its own schema in the product's shared database (SCHEMA mode), nothing else.
 *
 * Every step checks before it acts and tolerates losing a race. An advisory lock per (tenant,
 * product) serializes the work, so retries, replays and concurrent replicas converge. A name owned
 * by someone else is never taken over (PermanentStageError). Roles carry a comment naming their
 * (tenant, product, mode): derived role names can coincide, and a role has no owner to check.
 */
export class PostgresTenantProvisioner {
  private readonly maintenance: Pool;
  private readonly productPools = new Map<string, Pool>();
  private adminRole?: Promise<AdminRole>;

  constructor(
    private readonly adminUrl: string,
    private readonly options: PostgresTenantProvisionerOptions = {},
  ) {
    this.maintenance = this.createPool(undefined, options.maintenancePoolSize ?? 4);
  }

  async provision(request: PostgresTenantCredentials): Promise<ProvisionedPostgres> {
    const { target, names } = this.resolve(request);
    if (request.username !== names.pgRole) {
      throw new PermanentStageError(
        `credentials name role "${String(request.username).slice(0, 80)}" but ${target.tenantId}/${target.product} ` +
          `(${target.mode}) must use role "${names.pgRole}"`,
      );
    }
    let verifier: string;
    try {
      verifier = await scramSha256Verifier(String(request.password));
    } catch (error) {
      throw new PermanentStageError(
        `unusable PostgreSQL password for ${target.tenantId}/${target.product}: ${(error as Error).message}`,
      );
    }

    return this.withLock(TENANT_LOCK, `${target.tenantId}/${target.product}`, async (admin) => {
      const self = await this.admin(admin);
      await this.assertNoForeignObjects(admin, self, target.mode, names);
      await this.ensureRole(admin, self, names.pgRole, markerOf(target), verifier);
      if (target.mode === 'DATABASE') await this.ensureTenantDatabase(admin, names);
      else await this.ensureTenantSchema(admin, self, names);
      return { database: names.pgDatabase, schema: names.pgSchema, role: names.pgRole };
    });
  }

  /** Removes the tenant's database or schema and its role. Idempotent; leaves foreign objects alone. */
  async deprovision(request: PostgresTenantTarget): Promise<void> {
    const { target, names } = this.resolve(request);
    const role = names.pgRole;
    await this.withLock(TENANT_LOCK, `${target.tenantId}/${target.product}`, async (admin) => {
      const existing = await roleOf(admin, role);
      if (existing) assertOurRole(role, existing, markerOf(target));
      // Open sessions would hold locks on what is dropped below, and must not outlive the role.
      if (existing)
        await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1',
          [role],
        );

      if (target.mode === 'DATABASE') {
        const owner = await databaseOwner(admin, names.pgDatabase);
        if (owner !== undefined && owner !== role)
          throw foreign('database', names.pgDatabase, owner, role);
        await admin.query(`DROP DATABASE IF EXISTS ${ident(names.pgDatabase)} WITH (FORCE)`);
      } else if ((await databaseOwner(admin, names.pgDatabase)) !== undefined) {
        // DROP OWNED revokes CONNECT, rewriting the product database's shared ACL row.
        await this.withLockOn(admin, DATABASE_LOCK, names.pgDatabase, () =>
          this.withProductDatabase(names.pgDatabase, async (db) => {
            const owner = await schemaOwner(db, names.pgSchema);
            if (owner !== undefined && owner !== role)
              throw foreign('schema', names.pgSchema, owner, role);
            await db.query(`DROP SCHEMA IF EXISTS ${ident(names.pgSchema)} CASCADE`);
            if (existing) await db.query(`DROP OWNED BY ${ident(role)}`);
          }),
        );
      }

      if (existing) {
        await admin.query(`DROP OWNED BY ${ident(role)}`);
        await admin.query(`DROP ROLE IF EXISTS ${ident(role)}`);
      }
    });
  }

  async close(): Promise<void> {
    const pools = [this.maintenance, ...this.productPools.values()];
    this.productPools.clear();
    await Promise.all(pools.map((pool) => pool.end()));
  }

  /** Readiness: the tenant server answers on the maintenance database. */
  async ping(): Promise<void> {
    await this.maintenance.query('SELECT 1');
  }

  /**
   * Nest calls this at the very end of shutdown, after the event consumer has stopped, so a
   * provisioning in flight is never cut off by its own pools closing.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private resolve(request: PostgresTenantTarget): {
    target: PostgresTenantTarget;
    names: TenantResourceNames;
  } {
    const tenantId = tenantIdSchema.safeParse(request.tenantId);
    const product = productNameSchema.safeParse(request.product);
    const mode = isolationModeSchema.safeParse(request.mode);
    if (!tenantId.success || !product.success || !mode.success) {
      const problems = [
        !tenantId.success && `tenant id ${JSON.stringify(String(request.tenantId).slice(0, 64))}`,
        !product.success && `product ${JSON.stringify(String(request.product).slice(0, 64))}`,
        !mode.success && `isolation mode ${JSON.stringify(String(request.mode).slice(0, 16))}`,
      ].filter(Boolean);
      throw new PermanentStageError(
        `invalid ${problems.join(', ')}: not provisioning PostgreSQL for it`,
      );
    }
    const target = { tenantId: tenantId.data, product: product.data, mode: mode.data };
    return { target, names: tenantResourceNames(target.tenantId, target.product, target.mode) };
  }

  /** Refuses before creating anything, so a refused tenant leaves nothing behind either. */
  private async assertNoForeignObjects(
    admin: ClientBase,
    self: AdminRole,
    mode: IsolationMode,
    names: TenantResourceNames,
  ): Promise<void> {
    const { pgDatabase: database, pgSchema: schema, pgRole: role } = names;
    const owner = await databaseOwner(admin, database);
    if (mode === 'DATABASE') {
      if (owner !== undefined && owner !== role) throw foreign('database', database, owner, role);
      return;
    }
    if (owner === undefined) return;
    if (owner !== self.name) throw foreign('database', database, owner, self.name);
    const schemaOwnedBy = await this.withProductDatabase(database, (db) => schemaOwner(db, schema));
    if (schemaOwnedBy !== undefined && schemaOwnedBy !== role)
      throw foreign('schema', schema, schemaOwnedBy, role);
  }

  private async ensureRole(
    admin: ClientBase,
    self: AdminRole,
    role: string,
    marker: string,
    verifier: string,
    raced = false,
  ): Promise<void> {
    const attributes = `LOGIN NOCREATEDB NOCREATEROLE NOINHERIT CONNECTION LIMIT ${this.options.roleConnectionLimit ?? 50}`;
    const existing = await roleOf(admin, role);
    if (existing) {
      assertOurRole(role, existing, marker);
      // Converge: attributes and the vaulted password, every time. (SUPERUSER, REPLICATION and
      // BYPASSRLS were just checked to be off: naming them here would need a superuser admin.)
      await admin.query(
        `ALTER ROLE ${ident(role)} WITH ${attributes} PASSWORD ${escapeLiteral(verifier)}`,
      );
    } else {
      try {
        // One transaction, so the role never exists without the comment that makes it ours.
        await admin.query('BEGIN');
        await admin.query(
          `CREATE ROLE ${ident(role)} WITH ${attributes} NOSUPERUSER NOREPLICATION NOBYPASSRLS PASSWORD ${escapeLiteral(verifier)}`,
        );
        await admin.query(`COMMENT ON ROLE ${ident(role)} IS ${escapeLiteral(marker)}`);
        await admin.query('COMMIT');
      } catch (error) {
        await admin.query('ROLLBACK').catch(() => undefined);
        if (raced || !isDuplicate(error)) throw error;
        // Created meanwhile outside our lock (a colliding name of another tenant): check it again.
        return this.ensureRole(admin, self, role, marker, verifier, true);
      }
    }
    // A non-superuser admin (CREATEROLE) must be a member to give the role databases and schemas.
    if (!self.superuser) await admin.query(`GRANT ${ident(role)} TO ${ident(self.name)}`);
  }

  private async ensureTenantDatabase(admin: ClientBase, names: TenantResourceNames) {
    const { pgDatabase: database, pgRole: role } = names;
    let owner = await databaseOwner(admin, database);
    if (owner === undefined) {
      // CREATE DATABASE cannot run in a transaction: check first, and accept losing a race.
      await admin
        .query(`CREATE DATABASE ${ident(database)} OWNER ${ident(role)}`)
        .catch(ignoreDuplicate);
      owner = await databaseOwner(admin, database);
    }
    if (owner !== role) throw foreign('database', database, owner, role);
    if (await publicHasAccess(admin, 'database', database)) {
      await admin.query(`REVOKE ALL ON DATABASE ${ident(database)} FROM PUBLIC`);
    }
    await admin.query(
      `ALTER ROLE ${ident(role)} IN DATABASE ${ident(database)} SET search_path = public`,
    );

    // Tenant databases are many and touched once each: a short-lived connection, not a pool.
    const db = new Client({ connectionString: this.urlFor(database), ...ADMIN_SESSION });
    await db.connect();
    try {
      await this.ensurePublicSchemaOwnedBy(db, role);
    } finally {
      await db.end();
    }
  }

  /**
   * Gives the tenant's database a `public` schema the tenant role owns, closed to PUBLIC. The
   * template's `public` belongs to pg_database_owner, whose rights a NOINHERIT role cannot use and a
   * non-superuser admin cannot take over, so the fresh, empty one is replaced in one transaction,
   * acting as pg_database_owner to drop it and as the role to create it. Never drops a `public` that
   * already belongs to the tenant (its data lives there).
   */
  private async ensurePublicSchemaOwnedBy(db: ClientBase, role: string): Promise<void> {
    const owner = await schemaOwner(db, 'public');
    if (owner === role) {
      if (await publicHasAccess(db, 'schema', 'public')) {
        await db.query('BEGIN');
        await db.query(`SET LOCAL ROLE ${ident(role)}`);
        await db.query('REVOKE ALL ON SCHEMA public FROM PUBLIC');
        await db.query('COMMIT');
      }
      return;
    }
    if (owner !== undefined && owner !== 'pg_database_owner')
      throw foreign('schema', 'public', owner, role);
    await db.query('BEGIN');
    if (owner !== undefined) {
      await db.query('SET LOCAL ROLE pg_database_owner');
      await db.query('DROP SCHEMA public'); // RESTRICT: a template that put objects there fails here
    }
    await db.query(`SET LOCAL ROLE ${ident(role)}`);
    await db.query('CREATE SCHEMA public'); // owned by the role; no privileges for PUBLIC
    await db.query('COMMIT');
  }

  private async ensureTenantSchema(admin: ClientBase, self: AdminRole, names: TenantResourceNames) {
    const { pgDatabase: database, pgSchema: schema, pgRole: role } = names;
    // The product database and its ACL are shared by every tenant of the product: one writer at a
    // time, or concurrent GRANTs fail with "tuple concurrently updated".
    await this.withLockOn(admin, DATABASE_LOCK, database, async () => {
      let owner = await databaseOwner(admin, database);
      if (owner === undefined) {
        await admin.query(`CREATE DATABASE ${ident(database)}`).catch(ignoreDuplicate);
        owner = await databaseOwner(admin, database);
      }
      if (owner !== self.name) throw foreign('database', database, owner, self.name);
      if (await publicHasAccess(admin, 'database', database)) {
        await admin.query(`REVOKE ALL ON DATABASE ${ident(database)} FROM PUBLIC`);
      }
      const { rows } = await admin.query<{ connect: boolean }>(
        "SELECT has_database_privilege($1, $2, 'CONNECT') AS connect",
        [role, database],
      );
      if (!rows[0].connect)
        await admin.query(`GRANT CONNECT ON DATABASE ${ident(database)} TO ${ident(role)}`);
      await this.withProductDatabase(database, async (db) => {
        // Tenants may create only inside their own schema.
        if (await publicHasAccess(db, 'schema', 'public'))
          await db.query('REVOKE ALL ON SCHEMA public FROM PUBLIC');
      });
    });

    await this.withProductDatabase(database, async (db) => {
      let owner = await schemaOwner(db, schema);
      if (owner === undefined) {
        await db
          .query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)} AUTHORIZATION ${ident(role)}`)
          .catch(ignoreDuplicate);
        owner = await schemaOwner(db, schema);
      }
      if (owner !== role) throw foreign('schema', schema, owner, role);
    });
    await admin.query(
      `ALTER ROLE ${ident(role)} IN DATABASE ${ident(database)} SET search_path = ${ident(schema)}`,
    );
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

  private async withProductDatabase<T>(
    database: string,
    work: (db: PoolClient) => Promise<T>,
  ): Promise<T> {
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

  private admin(client: ClientBase): Promise<AdminRole> {
    this.adminRole ??= client
      .query<{ name: string; superuser: boolean }>(
        'SELECT current_user AS name, rolsuper AS superuser FROM pg_roles WHERE rolname = current_user',
      )
      .then(({ rows }) => rows[0]);
    this.adminRole.catch(() => (this.adminRole = undefined));
    return this.adminRole;
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

/** Derived names are already safe; this refuses anything else rather than trusting the quoting alone. */
function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
    throw new PermanentStageError(`refusing SQL identifier ${JSON.stringify(name)}`);
  return escapeIdentifier(name);
}

function markerOf(target: PostgresTenantTarget): string {
  return `${MARKER} tenant=${target.tenantId} product=${target.product} mode=${target.mode}`;
}

function assertOurRole(role: string, existing: RoleRow, marker: string): void {
  if (existing.marker !== marker) {
    const owner = existing.marker?.startsWith(MARKER)
      ? `was made for ${existing.marker.slice(MARKER.length + 1)}`
      : 'was not made by Enclave';
    throw new PermanentStageError(
      `role "${role}" already exists and ${owner}; refusing to take it over`,
    );
  }
  if (existing.rolsuper || existing.rolreplication || existing.rolbypassrls) {
    throw new PermanentStageError(
      `role "${role}" has SUPERUSER, REPLICATION or BYPASSRLS; refusing to use it for a tenant`,
    );
  }
}

function foreign(
  kind: string,
  name: string,
  owner: string | undefined,
  expected: string,
): PermanentStageError {
  return new PermanentStageError(
    `${kind} "${name}" already exists and is owned by "${owner}", not "${expected}"; refusing to take it over`,
  );
}

async function roleOf(client: ClientBase, role: string): Promise<RoleRow | undefined> {
  const { rows } = await client.query<RoleRow>(
    `SELECT rolsuper, rolreplication, rolbypassrls, shobj_description(oid, 'pg_authid') AS marker
       FROM pg_roles WHERE rolname = $1`,
    [role],
  );
  return rows[0];
}

async function databaseOwner(client: ClientBase, database: string): Promise<string | undefined> {
  const { rows } = await client.query<{ owner: string }>(
    'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1',
    [database],
  );
  return rows[0]?.owner;
}

async function schemaOwner(client: ClientBase, schema: string): Promise<string | undefined> {
  const { rows } = await client.query<{ owner: string }>(
    'SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = $1',
    [schema],
  );
  return rows[0]?.owner;
}

/** Whether PUBLIC holds any privilege on it; checked first because a no-op REVOKE still rewrites the row. */
async function publicHasAccess(
  client: ClientBase,
  kind: 'database' | 'schema',
  name: string,
): Promise<boolean> {
  const sql =
    kind === 'database'
      ? `SELECT EXISTS (SELECT 1 FROM pg_database d, aclexplode(coalesce(d.datacl, acldefault('d'::"char", d.datdba))) a
                         WHERE d.datname = $1 AND a.grantee = 0) AS public`
      : `SELECT EXISTS (SELECT 1 FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n'::"char", n.nspowner))) a
                         WHERE n.nspname = $1 AND a.grantee = 0) AS public`;
  const { rows } = await client.query<{ public: boolean }>(sql, [name]);
  return rows[0].public;
}

function isDuplicate(error: unknown): boolean {
  return DUPLICATE.has((error as { code?: string }).code ?? '');
}

function ignoreDuplicate(error: unknown): void {
  if (!isDuplicate(error)) throw error;
}
