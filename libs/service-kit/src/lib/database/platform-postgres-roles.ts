import { randomBytes } from 'node:crypto';
import { Client, escapeIdentifier as ident, escapeLiteral } from 'pg';
import { serviceSchemaOf } from './service-schema';

export interface PlatformPostgresRolesOptions {
  /** A superuser's URL (any database of the server): only this bootstrap ever uses it. */
  readonly adminUrl: string;
  /** The platform's own database (created beforehand). */
  readonly database: string;
  /** The platform's apps: each gets a login role owning its own schema. */
  readonly apps: readonly string[];
  /** Start of every role name (`<prefix>_<app schema>`, `<prefix>_tenant_admin`, `<prefix>_vault`). */
  readonly prefix?: string;
  /** The password of a role; random by default (a deployment passes stable ones). */
  readonly passwordOf?: (role: string) => string;
  /**
   * Also take CONNECT on the maintenance database `postgres` from PUBLIC (granting it back only to
   * the tenant admin). Off where the server is shared with others who rely on it (the test server).
   */
  readonly closeMaintenanceDatabase?: boolean;
}

/** What the bootstrap hands out: one URL per app, and the provisioner's tenant admin URL. */
export interface PlatformPostgresLogins {
  readonly databaseUrls: Readonly<Record<string, string>>;
  readonly tenantAdminUrl: string;
  readonly roles: {
    readonly apps: Readonly<Record<string, string>>;
    readonly vault: string;
    readonly tenantAdmin: string;
  };
}

/** Comment on every role made here: says what it is, names no tenant or product. */
const MARKER = 'enclave:platform-role';
/** The embedded vault's schema (EmbeddedSecretStore's default). */
const VAULT_SCHEMA = 'enclave_vault';
/**
 * The postgres-provisioner's lock on a product database's ACL (its DATABASE_LOCK, taken in the
 * maintenance database): changing that ACL beside a provisioner fails with "tuple concurrently updated".
 */
const PRODUCT_DATABASE_LOCK = 0x454e4302;
const LOGIN_ATTRIBUTES = 'NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT';
/** Roles per DROP OWNED in a database that holds their objects (see drop()). */
const DROP_OWNED_CHUNK = 20;

/**
 * The platform's PostgreSQL principals, made idempotently with a superuser's URL:
 * - one login role per app, owner of its schema in the platform database and of nothing else;
 * - a NOLOGIN role owning the embedded vault's schema, of which every app is a member (each reads
 *   tenants' credentials; the table is the same one whichever app creates it first);
 * - the tenant admin the postgres-provisioner works through: LOGIN CREATEROLE CREATEDB, nothing
 *   more, no CONNECT on the platform database.
 * PUBLIC loses CONNECT (and TEMPORARY) on the platform database, so a tenant's role cannot open it.
 */
export class PlatformPostgresRoles {
  readonly prefix: string;

  constructor(private readonly options: PlatformPostgresRolesOptions) {
    this.prefix = options.prefix ?? 'enclave';
    if (!/^[a-z][a-z0-9_]{0,30}$/.test(this.prefix))
      throw new Error(`role prefix ${JSON.stringify(this.prefix)} is not a short plain identifier`);
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(options.database))
      throw new Error(`database ${JSON.stringify(options.database)} is not a plain identifier`);
  }

  roleOf(app: string): string {
    return `${this.prefix}_${serviceSchemaOf(app)}`;
  }

  get vaultRole(): string {
    return `${this.prefix}_vault`;
  }

  get tenantAdminRole(): string {
    return `${this.prefix}_tenant_admin`;
  }

  async ensure(): Promise<PlatformPostgresLogins> {
    const { apps, database } = this.options;
    const passwordOf = this.options.passwordOf ?? (() => randomBytes(24).toString('hex'));
    const admin = await this.connect(database);
    const databaseUrls: Record<string, string> = {};
    const appRoles: Record<string, string> = {};
    try {
      // Bootstraps of one server run one at a time: GRANTs on one database race otherwise.
      await admin.query("SELECT pg_advisory_lock(hashtext('enclave.platform-postgres-roles'))");
      await this.ensureRole(admin, this.vaultRole, 'NOLOGIN ' + LOGIN_ATTRIBUTES);
      await this.ensureSchemaOwnedBy(admin, VAULT_SCHEMA, this.vaultRole);
      const db = ident(database);
      await admin.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${db} FROM PUBLIC`);
      for (const app of apps) {
        const role = this.roleOf(app);
        const password = passwordOf(role);
        await this.ensureRole(admin, role, `LOGIN ${LOGIN_ATTRIBUTES}`, password);
        await admin.query(`GRANT CONNECT ON DATABASE ${db} TO ${ident(role)}`);
        await this.ensureSchemaOwnedBy(admin, serviceSchemaOf(app), role);
        await admin.query(`GRANT ${ident(this.vaultRole)} TO ${ident(role)}`);
        // Whichever app creates the vault's table owns it: the vault role (every app) may use it.
        await admin.query(
          `ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(role)} IN SCHEMA ${ident(VAULT_SCHEMA)}
             GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${ident(this.vaultRole)}`,
        );
        appRoles[app] = role;
        databaseUrls[app] = this.urlOf(role, password, database);
      }
      const tenantAdminPassword = passwordOf(this.tenantAdminRole);
      await this.ensureRole(
        admin,
        this.tenantAdminRole,
        'LOGIN CREATEROLE CREATEDB NOSUPERUSER NOREPLICATION NOBYPASSRLS INHERIT',
        tenantAdminPassword,
      );
      if (this.options.closeMaintenanceDatabase) {
        await admin.query('REVOKE CONNECT, TEMPORARY ON DATABASE postgres FROM PUBLIC');
        await admin.query(`GRANT CONNECT ON DATABASE postgres TO ${ident(this.tenantAdminRole)}`);
      }
      return {
        databaseUrls,
        tenantAdminUrl: this.urlOf(this.tenantAdminRole, tenantAdminPassword, 'postgres'),
        roles: { apps: appRoles, vault: this.vaultRole, tenantAdmin: this.tenantAdminRole },
      };
    } finally {
      await admin.end();
    }
  }

  /**
   * Lets the tenant admin use product databases it does not own (SCHEMA mode's `p_<product>`, made
   * by a superuser before the roles existed, or on a server shared with other platforms): each is
   * closed to PUBLIC (database and its `public` schema) and the tenant admin gets CONNECT with GRANT
   * OPTION (to let tenants in) and CREATE (their schemas). With `create`, a missing one is made by
   * the superuser first, so the tenant admin never owns it (a shared test server). Idempotent.
   */
  async delegateDatabases(databases: readonly string[], options: { create: boolean }) {
    const admin = await this.connect('postgres');
    try {
      await admin.query("SELECT pg_advisory_lock(hashtext('enclave.platform-postgres-roles'))");
      for (const database of databases) {
        if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database))
          throw new Error(`database ${JSON.stringify(database)} is not a plain identifier`);
        const exists = async () =>
          (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rows
            .length > 0;
        if (!(await exists())) {
          if (!options.create) continue;
          await admin.query(`CREATE DATABASE ${ident(database)}`).catch(async (error) => {
            if (!(await exists())) throw error; // made meanwhile by another run: fine
          });
        }
        await admin.query('SELECT pg_advisory_lock($1, hashtext($2))', [
          PRODUCT_DATABASE_LOCK,
          database,
        ]);
        try {
          await admin.query(`REVOKE ALL ON DATABASE ${ident(database)} FROM PUBLIC`);
          const inside = await this.connect(database);
          try {
            await inside.query('REVOKE ALL ON SCHEMA public FROM PUBLIC');
          } finally {
            await inside.end();
          }
          await admin.query(
            `GRANT CONNECT, CREATE ON DATABASE ${ident(database)} TO ${ident(this.tenantAdminRole)} WITH GRANT OPTION`,
          );
        } finally {
          await admin.query('SELECT pg_advisory_unlock($1, hashtext($2))', [
            PRODUCT_DATABASE_LOCK,
            database,
          ]);
        }
      }
    } finally {
      await admin.end();
    }
  }

  /**
   * Drops every role made here (tests' teardown; the platform database is dropped before). Also
   * drops what the tenant admin made and left: databases of roles it is a member of (its template
   * databases and owner, tenants a test did not offboard), and those roles.
   */
  async drop(): Promise<void> {
    const admin = await this.connect('postgres');
    try {
      const own = [...this.options.apps.map((app) => this.roleOf(app)), this.vaultRole];
      const made = (
        await admin.query<{ role: string }>(
          `SELECT r.rolname AS role FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
            WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = $1)`,
          [this.tenantAdminRole],
        )
      ).rows.map((r) => r.role);
      const all = [...made, this.tenantAdminRole, ...own];
      const { rows: databases } = await admin.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE pg_get_userbyid(datdba) = ANY($1::text[])',
        [all],
      );
      for (const { datname } of databases)
        await admin.query(`DROP DATABASE IF EXISTS ${ident(datname)} WITH (FORCE)`);
      const existing = (
        await admin.query<{ rolname: string }>(
          'SELECT rolname FROM pg_roles WHERE rolname = ANY($1::text[])',
          [all],
        )
      ).rows.map((r) => r.rolname);
      if (existing.length === 0) return;
      // What they own or were granted in other databases (a delegated product database's tenant
      // schemas): DROP OWNED there. Privileges on shared objects (CONNECT on databases) go with
      // DROP OWNED in any database, `postgres` here.
      const { rows: elsewhere } = await admin.query<{ datname: string }>(
        `SELECT DISTINCT d.datname FROM pg_shdepend s JOIN pg_database d ON d.oid = s.dbid
          WHERE s.refclassid = 'pg_authid'::regclass AND d.datname <> 'postgres' AND d.datallowconn
            AND s.refobjid IN (SELECT oid FROM pg_roles WHERE rolname = ANY($1::text[]))`,
        [existing],
      );
      for (const { datname } of elsewhere) {
        const inside = await this.connect(datname);
        try {
          // A few roles per statement: each takes a lock per object it drops, and hundreds of
          // tenants' schemas at once run out of the lock table (max_locks_per_transaction).
          for (let i = 0; i < existing.length; i += DROP_OWNED_CHUNK)
            await inside.query(
              `DROP OWNED BY ${existing
                .slice(i, i + DROP_OWNED_CHUNK)
                .map(ident)
                .join(', ')}`,
            );
        } finally {
          await inside.end();
        }
      }
      // The ACLs of databases they hold privileges on are rewritten: under the provisioners' lock.
      const { rows: granted } = await admin.query<{ datname: string }>(
        `SELECT DISTINCT d.datname FROM pg_shdepend s JOIN pg_database d ON d.oid = s.objid
          WHERE s.classid = 'pg_database'::regclass AND s.deptype = 'a'
            AND s.refobjid IN (SELECT oid FROM pg_roles WHERE rolname = ANY($1::text[]))
          ORDER BY 1`,
        [existing],
      );
      for (const { datname } of granted)
        await admin.query('SELECT pg_advisory_lock($1, hashtext($2))', [
          PRODUCT_DATABASE_LOCK,
          datname,
        ]);
      try {
        await admin.query(`DROP OWNED BY ${existing.map(ident).join(', ')}`);
      } finally {
        await admin.query('SELECT pg_advisory_unlock_all()');
      }
      for (const role of all.filter((r) => existing.includes(r)))
        await admin.query(`DROP ROLE IF EXISTS ${ident(role)}`);
    } finally {
      await admin.end();
    }
  }

  private async connect(database: string): Promise<Client> {
    const url = new URL(this.options.adminUrl);
    url.pathname = `/${database}`;
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    return client;
  }

  private urlOf(role: string, password: string, database: string): string {
    const url = new URL(this.options.adminUrl);
    url.username = encodeURIComponent(role);
    url.password = encodeURIComponent(password);
    url.pathname = `/${database}`;
    return url.toString();
  }

  private async ensureRole(
    admin: Client,
    role: string,
    attributes: string,
    password?: string,
  ): Promise<void> {
    const secret = password === undefined ? '' : ` PASSWORD ${escapeLiteral(password)}`;
    const { rows } = await admin.query<{ marker: string | null }>(
      `SELECT shobj_description(oid, 'pg_authid') AS marker FROM pg_roles WHERE rolname = $1`,
      [role],
    );
    if (rows.length === 0) {
      await admin.query(`CREATE ROLE ${ident(role)} WITH ${attributes}${secret}`);
      await admin.query(`COMMENT ON ROLE ${ident(role)} IS ${escapeLiteral(MARKER)}`);
    } else if (rows[0].marker !== MARKER) {
      throw new Error(
        `role "${role}" exists and was not made by this bootstrap; not taking it over`,
      );
    } else {
      await admin.query(`ALTER ROLE ${ident(role)} WITH ${attributes}${secret}`);
    }
  }

  /** The schema, owned by `role` with everything in it (a database from before the roles too). */
  private async ensureSchemaOwnedBy(admin: Client, schema: string, role: string): Promise<void> {
    const s = ident(schema);
    const r = ident(role);
    const { rows } = await admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (rows.length === 0) {
      await admin.query(`CREATE SCHEMA ${s} AUTHORIZATION ${r}`);
      return;
    }
    await admin.query(`ALTER SCHEMA ${s} OWNER TO ${r}`);
    // Tables (and views) first: a sequence owned by a column follows its table.
    const { rows: relations } = await admin.query<{ name: string; kind: string }>(
      `SELECT c.relname AS name, c.relkind AS kind FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
          AND c.relowner <> $2::regrole
          AND NOT (c.relkind = 'S' AND EXISTS (
            SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
        ORDER BY c.relkind = 'S'`,
      [schema, role],
    );
    for (const { name, kind } of relations) {
      const what =
        kind === 'S'
          ? 'SEQUENCE'
          : kind === 'v'
            ? 'VIEW'
            : kind === 'm'
              ? 'MATERIALIZED VIEW'
              : 'TABLE';
      await admin.query(`ALTER ${what} ${s}.${ident(name)} OWNER TO ${r}`);
    }
  }
}
