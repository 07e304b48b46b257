import {
  IsolationMode,
  RegistrationLimits,
  TenantResourceNames,
  isolationModeSchema,
  productNameSchema,
  tenantIdSchema,
  tenantResourceNames,
} from '@enclave/contracts';
import { PermanentStageError } from '@enclave/lifecycle';
import { createHash } from 'node:crypto';
import { ClientBase, escapeIdentifier, escapeLiteral } from 'pg';
import { PostgresAdminSessions, PostgresAdminSessionsOptions } from './postgres-admin.sessions';
import { AdminRole, RoleRow, pgCatalog } from './postgres-catalog.queries';
import { PostgresTemplateDatabases, TemplateSource } from './postgres-template.databases';
import { scramSha256Verifier } from './scram-verifier';

export interface PostgresTenantTarget {
  readonly tenantId: string;
  readonly product: string;
  readonly mode: IsolationMode;
}

export interface PostgresTenantCredentials extends PostgresTenantTarget {
  readonly username: string;
  readonly password: string;
  /** The tenant is suspended: the role is made (or kept) NOLOGIN and its sessions end. */
  readonly suspended?: boolean;
  /** The registration's own limits; a field left out (or none) keeps the default. */
  readonly limits?: PostgresRoleLimits;
  /**
   * DATABASE mode: the product version's migrations, so a new database can be copied from that
   * version's template instead of migrated (see PostgresTemplateDatabases).
   */
  readonly template?: Omit<TemplateSource, 'product'>;
}

/** A tenant role's limits: connection limit and statement timeout (default: the provisioner's, none). */
export type PostgresRoleLimits = NonNullable<RegistrationLimits['postgres']>;

export interface ProvisionedPostgres {
  readonly database: string;
  readonly schema: string;
  readonly role: string;
}

export interface PostgresTenantProvisionerOptions extends PostgresAdminSessionsOptions {
  readonly roleConnectionLimit?: number;
  /** DATABASE mode: copy new databases from a template at the product's version (default true). */
  readonly databaseTemplates?: boolean;
}

const DUPLICATE = new Set(['42710', '42P04', '42P06', '23505']);
const MARKER = 'enclave:postgres-provisioner';

/**
 * Creates and removes a tenant's PostgreSQL resources on the tenant server: a login role that owns
 * either its own database (DATABASE mode) or its own schema in the product's shared database (SCHEMA
 * mode), and nothing else.
 *
 * Every step checks before it acts and tolerates losing a race. An advisory lock per (tenant,
 * product) serializes the work, so retries, replays and concurrent replicas converge. A name owned
 * by someone else is never taken over (PermanentStageError). Roles carry a comment naming their
 * (tenant, product, mode): derived role names can coincide, and a role has no owner to check.
 */
export class PostgresTenantProvisioner {
  private readonly sessions: PostgresAdminSessions;
  private readonly templates: PostgresTemplateDatabases;
  private adminRole?: Promise<AdminRole>;

  constructor(
    adminUrl: string,
    private readonly options: PostgresTenantProvisionerOptions = {},
  ) {
    this.sessions = new PostgresAdminSessions(adminUrl, options);
    this.templates = new PostgresTemplateDatabases(this.sessions);
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

    const limit = this.connectionLimit(request.limits);
    return this.sessions.withTenantLock(`${target.tenantId}/${target.product}`, async (admin) => {
      const self = await this.admin(admin);
      await this.assertNoForeignObjects(admin, self, target.mode, names);
      const login = !request.suspended;
      await this.ensureRole(admin, self, names.pgRole, target, verifier, login, limit);
      await setStatementTimeout(admin, names.pgRole, request.limits?.statementTimeoutMs);
      if (!login) await terminateSessions(admin, names.pgRole);
      const template =
        request.template && this.options.databaseTemplates !== false
          ? { ...request.template, product: target.product }
          : undefined;
      if (target.mode === 'DATABASE') await this.ensureTenantDatabase(admin, self, names, template);
      else await this.ensureTenantSchema(admin, self, names);
      return { database: names.pgDatabase, schema: names.pgSchema, role: names.pgRole };
    });
  }

  /** Removes the tenant's database or schema and its role. Idempotent; leaves foreign objects alone. */
  async deprovision(request: PostgresTenantTarget): Promise<void> {
    const { target, names } = this.resolve(request);
    const role = names.pgRole;
    await this.sessions.withTenantLock(`${target.tenantId}/${target.product}`, async (admin) => {
      const existing = await pgCatalog.role(admin, role);
      if (existing) assertOurRole(role, existing, target);
      // Open sessions would hold locks on what is dropped below, and must not outlive the role.
      if (existing) await terminateSessions(admin, role);

      if (target.mode === 'DATABASE') {
        const owner = await pgCatalog.databaseOwner(admin, names.pgDatabase);
        if (owner !== undefined && owner !== role)
          throw foreign('database', names.pgDatabase, owner, role);
        await admin.query(`DROP DATABASE IF EXISTS ${ident(names.pgDatabase)} WITH (FORCE)`);
      } else if ((await pgCatalog.databaseOwner(admin, names.pgDatabase)) !== undefined) {
        // DROP OWNED revokes CONNECT, rewriting the product database's shared ACL row: both of
        // them (here and the one below, which revokes what is left on shared objects) hold the
        // product database's lock, or a neighbour's offboarding fails with "tuple concurrently
        // updated".
        await this.sessions.withDatabaseLock(admin, names.pgDatabase, async () => {
          await this.sessions.withProductDatabase(names.pgDatabase, async (db) => {
            const owner = await pgCatalog.schemaOwner(db, names.pgSchema);
            if (owner !== undefined && owner !== role)
              throw foreign('schema', names.pgSchema, owner, role);
            await db.query(`DROP SCHEMA IF EXISTS ${ident(names.pgSchema)} CASCADE`);
            if (existing) await db.query(`DROP OWNED BY ${ident(role)}`);
          });
          if (existing) await admin.query(`DROP OWNED BY ${ident(role)}`);
        });
      }

      if (existing) {
        // A DATABASE-mode role (or one whose product database is gone): nothing shared to race on.
        await admin.query(`DROP OWNED BY ${ident(role)}`);
        await admin.query(`DROP ROLE IF EXISTS ${ident(role)}`);
      }
    });
  }

  /**
   * Suspension on the server: `suspended` makes the role NOLOGIN and ends its sessions, `active`
   * gives LOGIN back. A role not made yet (or someone else's) is left alone: provisioning makes it
   * in the tenant's status. Idempotent.
   */
  async setLogin(request: PostgresTenantTarget, status: 'active' | 'suspended'): Promise<void> {
    const { target, names } = this.resolve(request);
    const role = names.pgRole;
    await this.sessions.withTenantLock(`${target.tenantId}/${target.product}`, async (admin) => {
      const existing = await pgCatalog.role(admin, role);
      if (!existing) return;
      assertOurRole(role, existing, target);
      await admin.query(
        `ALTER ROLE ${ident(role)} WITH ${status === 'active' ? 'LOGIN' : 'NOLOGIN'}`,
      );
      if (status === 'suspended') await terminateSessions(admin, role);
    });
  }

  /**
   * A limits change on the server: the role's CONNECTION LIMIT and statement_timeout (fields left out:
   * the defaults). New sessions get them; open ones keep running. A role not made yet is left alone
   * (provisioning makes it with the limits kept); false then. Idempotent.
   */
  async applyLimits(request: PostgresTenantTarget, limits: PostgresRoleLimits): Promise<boolean> {
    const { target, names } = this.resolve(request);
    const role = names.pgRole;
    const limit = this.connectionLimit(limits);
    return this.sessions.withTenantLock(`${target.tenantId}/${target.product}`, async (admin) => {
      const existing = await pgCatalog.role(admin, role);
      if (!existing) return false;
      assertOurRole(role, existing, target);
      await admin.query(`ALTER ROLE ${ident(role)} WITH CONNECTION LIMIT ${limit}`);
      await setStatementTimeout(admin, role, limits.statementTimeoutMs);
      return true;
    });
  }

  /**
   * Rotation grace over: ends the role's sessions that started before `cutoff`, the ones that may
   * have logged in with the rotated-out password. Later sessions stay.
   */
  async endSessionsOpenedBefore(request: PostgresTenantTarget, cutoff: Date): Promise<number> {
    const { names } = this.resolve(request);
    return this.sessions.withMaintenance((admin) => terminateSessions(admin, names.pgRole, cutoff));
  }

  /** Drops the product's template databases that nobody is copying (tests, a retired product). */
  async dropTemplates(product: string): Promise<void> {
    await this.sessions.withMaintenance((admin) => this.templates.dropAll(admin, product));
  }

  async close(): Promise<void> {
    await this.sessions.close();
  }

  /** Readiness: the tenant server answers on the maintenance database. */
  async ping(): Promise<void> {
    await this.sessions.ping();
  }

  /**
   * Nest calls this at the very end of shutdown, after the event consumer has stopped, so a
   * provisioning in flight is never cut off by its own pools closing.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private connectionLimit(limits: PostgresRoleLimits | undefined): number {
    const limit = limits?.connectionLimit ?? this.options.roleConnectionLimit ?? 50;
    // Interpolated into SQL below: only a whole number goes in.
    if (!Number.isSafeInteger(limit) || limit < -1)
      throw new PermanentStageError(`invalid connection limit ${JSON.stringify(limit)}`);
    return limit;
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
    const owner = await pgCatalog.databaseOwner(admin, database);
    if (mode === 'DATABASE') {
      if (owner !== undefined && owner !== role) throw foreign('database', database, owner, role);
      return;
    }
    if (owner === undefined) return;
    if (!(await productDatabaseUsable(admin, self, database, owner)))
      throw foreign('database', database, owner, self.name);
    const schemaOwnedBy = await this.sessions.withProductDatabase(database, (db) =>
      pgCatalog.schemaOwner(db, schema),
    );
    if (schemaOwnedBy !== undefined && schemaOwnedBy !== role)
      throw foreign('schema', schema, schemaOwnedBy, role);
  }

  private async ensureRole(
    admin: ClientBase,
    self: AdminRole,
    role: string,
    target: PostgresTenantTarget,
    verifier: string,
    login: boolean,
    connectionLimit: number,
    raced = false,
  ): Promise<void> {
    const attributes = `${login ? 'LOGIN' : 'NOLOGIN'} NOCREATEDB NOCREATEROLE NOINHERIT CONNECTION LIMIT ${connectionLimit}`;
    const marker = markerOf(target);
    const existing = await pgCatalog.role(admin, role);
    if (existing) {
      assertOurRole(role, existing, target);
      if (existing.marker !== marker)
        await admin.query(`COMMENT ON ROLE ${ident(role)} IS ${escapeLiteral(marker)}`);
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
        return this.ensureRole(admin, self, role, target, verifier, login, connectionLimit, true);
      }
    }
    // A non-superuser admin (CREATEROLE) must be a member to give the role databases and schemas.
    if (!self.superuser) await admin.query(`GRANT ${ident(role)} TO ${ident(self.name)}`);
  }

  private async ensureTenantDatabase(
    admin: ClientBase,
    self: AdminRole,
    names: TenantResourceNames,
    template: TemplateSource | undefined,
  ) {
    const { pgDatabase: database, pgRole: role } = names;
    let owner = await pgCatalog.databaseOwner(admin, database);
    if (owner === undefined) {
      // A copy of the product version's template when there is one: already migrated.
      const copied =
        template !== undefined &&
        (await this.templates.copyInto(admin, self, template, database, role));
      // CREATE DATABASE cannot run in a transaction: check first, and accept losing a race.
      if (!copied)
        await admin
          .query(`CREATE DATABASE ${ident(database)} OWNER ${ident(role)}`)
          .catch(ignoreDuplicate);
      owner = await pgCatalog.databaseOwner(admin, database);
    }
    if (owner !== role) throw foreign('database', database, owner, role);
    if (await pgCatalog.publicHasAccess(admin, 'database', database)) {
      await admin.query(`REVOKE ALL ON DATABASE ${ident(database)} FROM PUBLIC`);
    }
    await admin.query(
      `ALTER ROLE ${ident(role)} IN DATABASE ${ident(database)} SET search_path = public`,
    );

    await this.sessions.withTenantDatabase(database, async (db) => {
      // A copy's objects still belong to the template owner, even after a crash right after it.
      await this.templates.adopt(db, role);
      await this.ensurePublicSchemaOwnedBy(db, role);
    });
  }

  /**
   * Gives the tenant's database a `public` schema the tenant role owns, closed to PUBLIC. The
   * template's `public` belongs to pg_database_owner, whose rights a NOINHERIT role cannot use and a
   * non-superuser admin cannot take over, so the fresh, empty one is replaced in one transaction,
   * acting as pg_database_owner to drop it and as the role to create it. Never drops a `public` that
   * already belongs to the tenant (its data lives there).
   */
  private async ensurePublicSchemaOwnedBy(db: ClientBase, role: string): Promise<void> {
    const owner = await pgCatalog.schemaOwner(db, 'public');
    if (owner === role) {
      if (await pgCatalog.publicHasAccess(db, 'schema', 'public')) {
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
    await this.sessions.withDatabaseLock(admin, database, async () => {
      let owner = await pgCatalog.databaseOwner(admin, database);
      if (owner === undefined) {
        await admin.query(`CREATE DATABASE ${ident(database)}`).catch(ignoreDuplicate);
        owner = await pgCatalog.databaseOwner(admin, database);
      }
      // A product database of another owner (one from before the provisioner had a role of its own,
      // or a server shared with others) serves when that owner delegated it and closed it to PUBLIC.
      const ours = owner === self.name;
      if (!(await productDatabaseUsable(admin, self, database, owner)))
        throw foreign('database', database, owner, self.name);
      if (await pgCatalog.publicHasAccess(admin, 'database', database)) {
        if (!ours) throw openToPublic(`database "${database}"`, owner);
        await admin.query(`REVOKE ALL ON DATABASE ${ident(database)} FROM PUBLIC`);
      }
      const { rows } = await admin.query<{ connect: boolean }>(
        "SELECT has_database_privilege($1, $2, 'CONNECT') AS connect",
        [role, database],
      );
      if (!rows[0].connect)
        await admin.query(`GRANT CONNECT ON DATABASE ${ident(database)} TO ${ident(role)}`);
      await this.sessions.withProductDatabase(database, async (db) => {
        // Tenants may create only inside their own schema.
        if (await pgCatalog.publicHasAccess(db, 'schema', 'public')) {
          if (!ours) throw openToPublic(`schema public of "${database}"`, owner);
          await db.query('REVOKE ALL ON SCHEMA public FROM PUBLIC');
        }
      });
    });

    await this.sessions.withProductDatabase(database, async (db) => {
      let owner = await pgCatalog.schemaOwner(db, schema);
      if (owner === undefined) {
        await db
          .query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)} AUTHORIZATION ${ident(role)}`)
          .catch(ignoreDuplicate);
        owner = await pgCatalog.schemaOwner(db, schema);
      }
      if (owner !== role) throw foreign('schema', schema, owner, role);
    });
    await admin.query(
      `ALTER ROLE ${ident(role)} IN DATABASE ${ident(database)} SET search_path = ${ident(schema)}`,
    );
  }

  private admin(client: ClientBase): Promise<AdminRole> {
    this.adminRole ??= pgCatalog.currentRole(client);
    this.adminRole.catch(() => (this.adminRole = undefined));
    return this.adminRole;
  }
}

/** Derived names are already safe; this refuses anything else rather than trusting the quoting alone. */
function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
    throw new PermanentStageError(`refusing SQL identifier ${JSON.stringify(name)}`);
  return escapeIdentifier(name);
}

/** Ends the role's sessions (only those started before `before`, when given); how many were ended. */
async function terminateSessions(admin: ClientBase, role: string, before?: Date): Promise<number> {
  const { rows } = await admin.query<{ ended: boolean }>(
    `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
      WHERE usename = $1 AND ($2::timestamptz IS NULL OR backend_start < $2::timestamptz)`,
    [role, before ?? null],
  );
  return rows.filter((r) => r.ended).length;
}

/**
 * The role's statement_timeout, in every database it connects to (set on the role, so it holds in
 * either isolation mode); none: RESET, the server's default. A session can still SET its own.
 */
async function setStatementTimeout(
  admin: ClientBase,
  role: string,
  timeoutMs: number | undefined,
): Promise<void> {
  if (timeoutMs === undefined) {
    await admin.query(`ALTER ROLE ${ident(role)} RESET statement_timeout`);
    return;
  }
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1)
    throw new PermanentStageError(`invalid statement timeout ${JSON.stringify(timeoutMs)}`);
  await admin.query(`ALTER ROLE ${ident(role)} SET statement_timeout = ${timeoutMs}`);
}

/**
 * The comment that makes a role ours, for this (tenant, product, mode) only. Every role reads every
 * role's comment (pg_roles is public), so it carries a digest, not the tenant's or product's name.
 */
function markerOf(target: PostgresTenantTarget): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([target.tenantId, target.product, target.mode]))
    .digest('hex')
    .slice(0, 32);
  return `${MARKER} ${digest}`;
}

/** The comment of roles made before the digest: still ours (provisioning rewrites it). */
function legacyMarkerOf(target: PostgresTenantTarget): string {
  return `${MARKER} tenant=${target.tenantId} product=${target.product} mode=${target.mode}`;
}

function assertOurRole(role: string, existing: RoleRow, target: PostgresTenantTarget): void {
  if (existing.marker !== markerOf(target) && existing.marker !== legacyMarkerOf(target)) {
    const owner = existing.marker?.startsWith(MARKER)
      ? 'was made for another tenant or product'
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

/**
 * A product database serves when it is the admin's own, or (for a non-superuser: a superuser holds
 * every privilege, which says nothing of a delegation) when its owner delegated it.
 */
async function productDatabaseUsable(
  admin: ClientBase,
  self: AdminRole,
  database: string,
  owner: string | undefined,
): Promise<boolean> {
  if (owner === self.name) return true;
  return !self.superuser && (await pgCatalog.databaseDelegated(admin, database));
}

function openToPublic(what: string, owner: string | undefined): PermanentStageError {
  return new PermanentStageError(
    `${what} is open to PUBLIC and owned by "${owner}", who must REVOKE ALL … FROM PUBLIC first`,
  );
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

function isDuplicate(error: unknown): boolean {
  return DUPLICATE.has((error as { code?: string }).code ?? '');
}

function ignoreDuplicate(error: unknown): void {
  if (!isDuplicate(error)) throw error;
}
