import { Migration } from '@enclave/contracts';
import { tenantMigrationRecordOf, tenantMigrationScript } from '@enclave/lifecycle';
import { createHash } from 'node:crypto';
import { ClientBase, escapeIdentifier, escapeLiteral } from 'pg';
import { PostgresAdminSessions } from './postgres-admin.sessions';
import { AdminRole } from './postgres-catalog.queries';

/** A product version's migrations, for the template its DATABASE-mode tenants are copied from. */
export interface TemplateSource {
  readonly product: string;
  readonly productVersion: string;
  readonly migrations: readonly Migration[];
}

const OWNER_MARKER = 'enclave:postgres-provisioner template owner';
const PREFIX = 'enclave_tpl_';
const MARKER = 'enclave:postgres-template';
/** Part of the name: a change to how templates are built gives every product a new one. */
const BUILD_FORMAT = 'v1';
/** CREATE DATABASE … TEMPLATE fails while anyone is connected to the template (55006). */
const SOURCE_IN_USE = '55006';
const DUPLICATE = new Set(['42710', '42P04', '23505']);

interface TemplateRow {
  readonly name: string;
  readonly owner: string;
  readonly product: string;
  readonly schemaVersion: number;
  readonly ready: boolean;
}

/**
 * Template databases for DATABASE mode: one per product and migration list (so per schema version),
 * holding that version's tables and their migration records, so a new tenant's database is a copy
 * (`CREATE DATABASE … TEMPLATE`) instead of CREATE DATABASE plus every migration. The copy is handed
 * to the tenant's role (`adopt`) and is then what a migrated database is: the migration-runner finds
 * every migration recorded and applies nothing.
 *
 * A template is built lazily, by the first registration of its schema version, under an exclusive
 * advisory lock; copies take the same lock shared, so nothing copies a template being built or
 * dropped. The provisioner owns the template database and never stays connected to it (connections
 * are disabled once it is built). Building one drops the product's templates of older schema
 * versions that nobody is copying; a registration made to an older version than the newest template
 * is provisioned the ordinary way. Works for a superuser or a CREATEROLE + CREATEDB admin.
 */
export class PostgresTemplateDatabases {
  /** Templates whose build failed (a migration that does not apply): not retried by this process. */
  private readonly unusable = new Set<string>();

  constructor(private readonly sessions: PostgresAdminSessions) {}

  /**
   * The template's name, deterministic from the provisioner's role, the product and its migrations
   * (≤ 63 bytes). Per admin role: a non-superuser may copy only a template it owns.
   */
  static nameOf(admin: string, source: Pick<TemplateSource, 'product' | 'migrations'>): string {
    const digest = createHash('sha256')
      .update(
        JSON.stringify([
          BUILD_FORMAT,
          admin,
          source.product,
          source.migrations.map(tenantMigrationRecordOf),
        ]),
      )
      .digest('hex')
      .slice(0, 16);
    return `${PREFIX}${source.product.replace(/-/g, '_')}_${digest}`;
  }

  /**
   * Owns what is inside the admin's template databases, and nothing else: no database, no login.
   * A tenant's copy gives it all to the tenant's role (REASSIGN OWNED touches only the current
   * database and the shared objects the role owns, of which it has none).
   */
  static ownerOf(admin: string): string {
    return `enclave_tpl_owner_${createHash('sha256').update(admin).digest('hex').slice(0, 12)}`;
  }

  /**
   * Copies the template of `source` into a new database owned by `role`, building the template
   * first when needed. False when no template fits (older version, build failed, dropped meanwhile):
   * the caller then creates the database the ordinary way.
   */
  async copyInto(
    admin: ClientBase,
    self: AdminRole,
    source: TemplateSource,
    database: string,
    role: string,
  ): Promise<boolean> {
    if (!source.migrations.length) return false;
    const template = PostgresTemplateDatabases.nameOf(self.name, source);
    if (this.unusable.has(template)) return false;
    const schemaVersion = source.migrations.at(-1)!.version;
    for (let attempt = 0; attempt < 2; attempt++) {
      const copied = await this.sessions.withTemplateLock(admin, template, 'shared', async () => {
        const found = await this.find(admin, template);
        // Not ours (a name someone else took): never copied, never dropped.
        if (found && found.owner !== self.name) return 'foreign';
        if (!found?.ready) return false;
        await this.createFrom(admin, template, database, role);
        return true;
      });
      if (copied === 'foreign') return false;
      if (copied) return true;
      const newest = Math.max(
        0,
        ...(await this.list(admin, source.product)).map((t) => t.schemaVersion),
      );
      if (newest > schemaVersion) return false;
      if (!(await this.build(admin, self, source, template))) return false;
      await this.dropOlder(admin, source.product, schemaVersion);
    }
    return false;
  }

  /**
   * Gives everything a template owner owns in the tenant's database (`db`, the provisioner's
   * session there) to the tenant's role, schemas first so the role may own what is in them. A
   * no-op for a database not copied from a template, and on a re-run after it was done.
   */
  async adopt(db: ClientBase, role: string): Promise<void> {
    const { rows } = await db.query<{ owner: string; schema: string | null }>(
      `SELECT DISTINCT r.rolname AS owner, n.nspname AS schema FROM pg_shdepend d
         JOIN pg_roles r ON r.oid = d.refobjid AND shobj_description(r.oid, 'pg_authid') = $1
         JOIN pg_database db ON db.oid = d.dbid AND db.datname = current_database()
         LEFT JOIN pg_namespace n ON d.classid = 'pg_namespace'::regclass AND n.oid = d.objid`,
      [OWNER_MARKER],
    );
    if (!rows.length) return;
    await db.query('BEGIN');
    try {
      for (const { schema } of rows)
        if (schema) await db.query(`ALTER SCHEMA ${ident(schema)} OWNER TO ${ident(role)}`);
      for (const owner of new Set(rows.map((r) => r.owner))) {
        await db.query(`REASSIGN OWNED BY ${ident(owner)} TO ${ident(role)}`);
        // Privileges granted to the owner and its default privileges, which REASSIGN leaves.
        await db.query(`DROP OWNED BY ${ident(owner)}`);
      }
      await db.query('COMMIT');
    } catch (error) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** Drops every template of `product` nobody is copying (a product's end, a test's cleanup). */
  async dropAll(admin: ClientBase, product: string): Promise<void> {
    await this.dropOlder(admin, product, Number.POSITIVE_INFINITY);
  }

  private async createFrom(
    admin: ClientBase,
    template: string,
    database: string,
    role: string,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(
          `CREATE DATABASE ${ident(database)} TEMPLATE ${ident(template)} OWNER ${ident(role)}`,
        );
        return;
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        // Lost a race with another replica for the same tenant: the caller checks the owner.
        if (DUPLICATE.has(code)) return;
        // Someone connected to the template (PostgreSQL already waited up to 5 s for them to go).
        if (code !== SOURCE_IN_USE || attempt >= 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }

  /** Builds the template under the exclusive lock; false when the migrations do not apply. */
  private async build(
    admin: ClientBase,
    self: AdminRole,
    source: TemplateSource,
    template: string,
  ): Promise<boolean> {
    const built = await this.sessions.withTemplateLock(admin, template, 'exclusive', async () => {
      const found = await this.find(admin, template);
      if (found?.ready) return true;
      // A build cut off half-way (a crash): start again.
      if (found) await admin.query(`DROP DATABASE ${ident(template)} WITH (FORCE)`);
      const owner = await this.ensureOwnerRole(admin, self);
      const schemaVersion = source.migrations.at(-1)!.version;
      const marker = (state: string) =>
        escapeLiteral(
          `${MARKER} product=${source.product} version=${source.productVersion} schema=${schemaVersion} ${state}`,
        );
      await admin.query(`CREATE DATABASE ${ident(template)}`);
      await admin.query(`COMMENT ON DATABASE ${ident(template)} IS ${marker('building')}`);
      const built = await this.sessions.withTenantDatabase(template, (db) =>
        this.migrate(db, template, owner, source.migrations),
      );
      if (!built) {
        this.unusable.add(template);
        await admin.query(`DROP DATABASE ${ident(template)} WITH (FORCE)`);
        return false;
      }
      await admin.query(`ALTER DATABASE ${ident(template)} ALLOW_CONNECTIONS false`);
      await admin.query(`COMMENT ON DATABASE ${ident(template)} IS ${marker('ready')}`);
      return true;
    });
    return built === true;
  }

  /**
   * The template's `public` and everything in it, made by the template owner exactly as the
   * migration-runner makes a fresh tenant's (same script); false when a migration fails or leaves
   * something a copy could not reproduce (default privileges).
   */
  private async migrate(
    db: ClientBase,
    template: string,
    ownerRole: string,
    migrations: readonly Migration[],
  ): Promise<boolean> {
    const owner = ident(ownerRole);
    // As for a tenant's database: the stock `public` (pg_database_owner's) is replaced by one the
    // owner has, with no privileges for PUBLIC. CREATE on the template is for migrations that make
    // schemas, as a tenant may in its own database; a copy does not inherit the database's ACL.
    await db.query('BEGIN');
    await db.query('DROP SCHEMA public');
    await db.query(`CREATE SCHEMA public AUTHORIZATION ${owner}`);
    await db.query(`GRANT CREATE ON DATABASE ${ident(template)} TO ${owner}`);
    await db.query('COMMIT');
    await db.query(`SET ROLE ${owner}`);
    try {
      await db.query(tenantMigrationScript.freshSchema('public', migrations));
    } catch {
      await db.query('ROLLBACK').catch(() => undefined);
      return false;
    }
    await db.query('RESET ROLE');
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_default_acl');
    return rows[0].n === 0;
  }

  /** The admin's template owner role, made once (NOLOGIN, no attributes); its name. */
  private async ensureOwnerRole(admin: ClientBase, self: AdminRole): Promise<string> {
    const owner = PostgresTemplateDatabases.ownerOf(self.name);
    const { rows } = await admin.query<{ marker: string | null }>(
      `SELECT shobj_description(oid, 'pg_authid') AS marker FROM pg_roles WHERE rolname = $1`,
      [owner],
    );
    if (rows.length && rows[0].marker !== OWNER_MARKER)
      throw new Error(`role "${owner}" exists and was not made by Enclave`);
    if (!rows.length) {
      try {
        await admin.query('BEGIN');
        await admin.query(`CREATE ROLE ${ident(owner)} NOLOGIN NOINHERIT NOCREATEDB NOCREATEROLE`);
        await admin.query(`COMMENT ON ROLE ${ident(owner)} IS ${escapeLiteral(OWNER_MARKER)}`);
        await admin.query('COMMIT');
      } catch (error) {
        await admin.query('ROLLBACK').catch(() => undefined);
        // Another replica, building another template, made it meanwhile.
        if (!DUPLICATE.has((error as { code?: string }).code ?? '')) throw error;
      }
    }
    // A CREATEROLE admin must be a member to act as it and to reassign what it owns.
    if (!self.superuser) await admin.query(`GRANT ${ident(owner)} TO ${ident(self.name)}`);
    return owner;
  }

  /** Drops the product's templates below `schemaVersion` that nobody is copying or building now. */
  private async dropOlder(admin: ClientBase, product: string, schemaVersion: number) {
    for (const old of await this.list(admin, product)) {
      if (old.schemaVersion >= schemaVersion) continue;
      await this.sessions.withTemplateLock(admin, old.name, 'try', () =>
        admin.query(`DROP DATABASE IF EXISTS ${ident(old.name)}`),
      );
    }
  }

  private async find(admin: ClientBase, template: string): Promise<TemplateRow | undefined> {
    return (await this.rows(admin, 'datname = $1', template))[0];
  }

  /** The product's templates this admin owns (another admin's are left alone). */
  private async list(admin: ClientBase, product: string): Promise<TemplateRow[]> {
    const rows = await this.rows(
      admin,
      "datname LIKE 'enclave\\_tpl\\_%' AND datdba = (SELECT oid FROM pg_roles WHERE rolname = current_user)",
    );
    return rows.filter((r) => r.product === product);
  }

  private async rows(admin: ClientBase, where: string, ...params: string[]) {
    const { rows } = await admin.query<{ name: string; owner: string; marker: string | null }>(
      `SELECT datname AS name, pg_get_userbyid(datdba) AS owner, shobj_description(oid, 'pg_database') AS marker
         FROM pg_database WHERE ${where}`,
      params,
    );
    return rows.flatMap((r): TemplateRow[] => {
      const m = /^enclave:postgres-template product=(\S+) version=\S+ schema=(\d+) (\w+)$/.exec(
        r.marker ?? '',
      );
      // No marker yet: a build that has just created the database (or crashed before its comment).
      if (!m)
        return r.name.startsWith(PREFIX)
          ? [{ name: r.name, owner: r.owner, product: '', schemaVersion: 0, ready: false }]
          : [];
      return [
        {
          name: r.name,
          owner: r.owner,
          product: m[1],
          schemaVersion: Number(m[2]),
          ready: m[3] === 'ready',
        },
      ];
    });
  }
}

function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`refusing SQL identifier ${name}`);
  return escapeIdentifier(name);
}
