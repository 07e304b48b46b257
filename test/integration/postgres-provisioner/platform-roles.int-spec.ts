import {
  PlatformPostgresLogins,
  PlatformPostgresRoles,
  createSchemaIfMissing,
} from '@enclave/service-kit';
import { randomBytes } from 'node:crypto';
import { Client, escapeIdentifier as q } from 'pg';
import platformApps from '../../../scripts/platform-apps.json';
import { PostgresTenantProvisioner } from '../../../apps/postgres-provisioner/src/provisioning/postgres-tenant.provisioner';
import { POSTGRES_ACL_LOCK, PostgresTenantHarness, sqlState } from './postgres-tenant.harness';

const APPS = platformApps.map((app) => app.name);

/**
 * The platform's own PostgreSQL principals (PlatformPostgresRoles, what `npm start`, docker-compose
 * and the e2e harness run), tried as an attacker would on the server that checks passwords
 * (scram-sha-256): a tenant cannot open the platform's database nor `postgres`, an app cannot
 * touch another app's schema, the provisioner's role is no superuser and cannot open the platform's
 * database. Here `postgres` is closed to PUBLIC for real (a private server; restored at the end).
 */
describe('platform PostgreSQL roles (real PostgreSQL, passwords checked)', () => {
  jest.setTimeout(60_000);
  const h = new PostgresTenantHarness();
  const run = randomBytes(4).toString('hex');
  const database = `t_platform_roles_${run}`;
  const passwords = new Map<string, string>();
  const roles = new PlatformPostgresRoles({
    adminUrl: h.adminUrl,
    database,
    apps: APPS,
    prefix: `it_${run}`,
    // Stable per role, so a second run of the bootstrap is a true repeat.
    passwordOf: (role) => {
      if (!passwords.has(role)) passwords.set(role, PostgresTenantHarness.password());
      return passwords.get(role)!;
    },
    closeMaintenanceDatabase: true,
  });
  let logins: PlatformPostgresLogins;
  let provisioner: PostgresTenantProvisioner;
  let postgresAclBefore: string | null;
  const clients: Client[] = [];
  /** Holds POSTGRES_ACL_LOCK while `postgres` is closed: suites relying on PUBLIC's CONNECT wait. */
  let aclLock: Client | undefined;

  const connect = async (url: string): Promise<Client> => {
    const client = new Client({ connectionString: url });
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    return client;
  };
  const refusal = async (url: string): Promise<string> => {
    try {
      await connect(url);
      return 'connected';
    } catch (error) {
      return `${(error as { code?: string }).code} ${(error as Error).message}`;
    }
  };
  const withDatabase = (url: string, db: string) => {
    const u = new URL(url);
    u.pathname = `/${db}`;
    return u.toString();
  };
  const roleOf = (app: string) => logins.roles.apps[app];

  beforeAll(async () => {
    aclLock = new Client({ connectionString: h.url('postgres') });
    await aclLock.connect();
    await aclLock.query('SELECT pg_advisory_lock(hashtext($1))', [POSTGRES_ACL_LOCK]);
    [{ datacl: postgresAclBefore }] = await h.admin<{ datacl: string | null }>(
      'postgres',
      "SELECT datacl::text FROM pg_database WHERE datname = 'postgres'",
    );
    await h.admin('postgres', `CREATE DATABASE ${q(database)}`);
    // A platform database from before the roles: a service schema with a table the superuser owns.
    await h.admin(database, 'CREATE SCHEMA tenant_registry');
    await h.admin(
      database,
      'CREATE TABLE tenant_registry.tenant (id bigserial PRIMARY KEY, v text)',
    );
    logins = await roles.ensure();
    logins = await roles.ensure(); // and again: the same roles, nothing refused
    provisioner = new PostgresTenantProvisioner(logins.tenantAdminUrl);
    await h.recordExercised();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await h.tearDown().catch((e) => console.error(e));
    await provisioner?.close();
    await h.admin('postgres', `DROP DATABASE IF EXISTS ${q(database)} WITH (FORCE)`);
    await roles.drop();
    // `postgres` back as it was (other suites on this server may rely on PUBLIC's CONNECT).
    if (postgresAclBefore === null || /(^|[{,])=[^,]*c/.test(postgresAclBefore))
      await h.admin('postgres', 'GRANT CONNECT, TEMPORARY ON DATABASE postgres TO PUBLIC');
    await aclLock?.end();
    const left = await h.admin<{ rolname: string }>(
      'postgres',
      'SELECT rolname FROM pg_roles WHERE rolname LIKE $1',
      [`it\\_${run}\\_%`],
    );
    expect(left).toEqual([]);
  });

  it('gives every app a login of its own that is no superuser and owns its schema', async () => {
    const rows = await h.admin<{ rolname: string; attrs: string; owns: string | null }>(
      database,
      `SELECT r.rolname,
              concat_ws(' ', CASE WHEN r.rolsuper THEN 'super' END, CASE WHEN r.rolcreaterole THEN 'createrole' END,
                        CASE WHEN r.rolcreatedb THEN 'createdb' END, CASE WHEN r.rolbypassrls THEN 'bypassrls' END,
                        CASE WHEN r.rolcanlogin THEN 'login' END) AS attrs,
              (SELECT string_agg(nspname, ',' ORDER BY nspname) FROM pg_namespace WHERE nspowner = r.oid) AS owns
         FROM pg_roles r WHERE r.rolname = ANY($1::text[]) ORDER BY r.rolname`,
      [Object.values(logins.roles.apps)],
    );
    expect(rows).toEqual(
      APPS.map((app) => ({
        rolname: roleOf(app),
        attrs: 'login',
        owns: app.replace(/-/g, '_'),
      })).sort((a, b) => a.rolname.localeCompare(b.rolname)),
    );
    // The table from before the roles moved to the app's role with its schema (and its sequence).
    const [moved] = await h.admin<{ owners: string }>(
      database,
      `SELECT string_agg(DISTINCT pg_get_userbyid(relowner), ',') AS owners FROM pg_class
        WHERE relnamespace = 'tenant_registry'::regnamespace`,
    );
    expect(moved.owners).toBe(roleOf('tenant-registry'));
  });

  it('lets each app work in its own schema with its password, and refuses a wrong one', async () => {
    for (const app of APPS) {
      const client = await connect(logins.databaseUrls[app]);
      const schema = app.replace(/-/g, '_');
      // What every app's start-up does: present schema, no CREATE on the database needed.
      expect(await sqlState(client.query(`CREATE SCHEMA IF NOT EXISTS ${q(schema)}`))).toBe(
        '42501',
      );
      await createSchemaIfMissing(client, schema);
      await client.query(`CREATE TABLE IF NOT EXISTS ${q(schema)}.probe (v text)`);
      await client.query(`INSERT INTO ${q(schema)}.probe VALUES ('mine')`);
      expect(await sqlState(client.query('CREATE SCHEMA elsewhere'))).toBe('42501');
      expect(await sqlState(client.query('CREATE TABLE public.planted (v int)'))).toBe('42501');
    }
    const wrong = new URL(logins.databaseUrls['tenant-registry']);
    wrong.password = 'not-the-password';
    expect(await refusal(wrong.toString())).toMatch(/^28P01 password authentication failed/);
  });

  it("refuses app A every read and write in app B's schema", async () => {
    const registry = await connect(logins.databaseUrls['tenant-registry']);
    await registry.query('INSERT INTO tenant_registry.tenant (v) VALUES ($1)', ['secret row']);
    for (const app of APPS.filter((a) => a !== 'tenant-registry')) {
      const other = await connect(logins.databaseUrls[app]);
      expect(await sqlState(other.query('SELECT * FROM tenant_registry.tenant'))).toBe('42501');
      expect(
        await sqlState(other.query("INSERT INTO tenant_registry.tenant (v) VALUES ('forged')")),
      ).toBe('42501');
      expect(await sqlState(other.query('DROP TABLE tenant_registry.tenant'))).toBe('42501');
      expect(await sqlState(other.query('CREATE TABLE tenant_registry.planted (v int)'))).toBe(
        '42501',
      );
    }
    const [{ n }] = await h.admin<{ n: number }>(
      database,
      'SELECT count(*)::int AS n FROM tenant_registry.tenant',
    );
    expect(n).toBe(1);
  });

  it("shares the embedded vault's table among the apps, whichever creates it", async () => {
    const credentials = await connect(logins.databaseUrls['credential-service']);
    await createSchemaIfMissing(credentials, 'enclave_vault');
    await credentials.query('CREATE TABLE IF NOT EXISTS enclave_vault.secret_probe (v text)');
    await credentials.query("INSERT INTO enclave_vault.secret_probe VALUES ('sealed')");
    const registry = await connect(logins.databaseUrls['tenant-registry']);
    await registry.query('CREATE TABLE IF NOT EXISTS enclave_vault.secret_probe (v text)');
    expect((await registry.query('SELECT v FROM enclave_vault.secret_probe')).rows).toEqual([
      { v: 'sealed' },
    ]);
  });

  it('gives the provisioner CREATEROLE and CREATEDB only, and no way into the platform database', async () => {
    const [admin] = await h.admin<Record<string, boolean>>(
      'postgres',
      `SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = $1`,
      [logins.roles.tenantAdmin],
    );
    expect(admin).toEqual({
      rolsuper: false,
      rolcreaterole: true,
      rolcreatedb: true,
      rolreplication: false,
      rolbypassrls: false,
    });
    expect(await refusal(withDatabase(logins.tenantAdminUrl, database))).toMatch(
      /^42501 permission denied for database/,
    );
    // It works where it must: `postgres` (granted back to it alone) and what it makes.
    const session = await connect(logins.tenantAdminUrl);
    expect((await session.query('SELECT current_user AS u')).rows).toEqual([
      { u: logins.roles.tenantAdmin },
    ]);
  });

  it('uses a product database it does not own only when delegated and closed to PUBLIC', async () => {
    // A SCHEMA-mode product database from before the roles: the superuser owns it.
    const product = `${h.product}-dl`;
    const productDb = `p_${product.replace(/-/g, '_')}`;
    h.onCleanup(() => h.admin('postgres', `DROP DATABASE IF EXISTS ${q(productDb)} WITH (FORCE)`));
    await h.admin('postgres', `CREATE DATABASE ${q(productDb)}`);
    const first = h.tenant('SCHEMA', PostgresTenantHarness.tenantId(), product);
    await expect(h.provision(first, provisioner)).rejects.toThrow(
      `database "${productDb}" already exists and is owned by`,
    );
    // Delegated, but still open to PUBLIC: refused, as the tenant admin could not close it.
    await h.admin(
      'postgres',
      `GRANT CONNECT, CREATE ON DATABASE ${q(productDb)} TO ${q(logins.roles.tenantAdmin)} WITH GRANT OPTION`,
    );
    await expect(h.provision(first, provisioner)).rejects.toThrow(/is open to PUBLIC/);
    // What delegateDatabases does: closed, delegated; then tenants are provisioned into it.
    await roles.delegateDatabases([productDb], { create: false });
    await h.provision(first, provisioner);
    const tenant = await connect(h.url(productDb, first.username, first.password));
    await tenant.query('CREATE TABLE mine (v int)');
    const second = h.tenant('SCHEMA', PostgresTenantHarness.tenantId(), product);
    await h.provision(second, provisioner);
    const neighbour = await connect(h.url(productDb, second.username, second.password));
    expect(await sqlState(neighbour.query(`SELECT * FROM ${q(first.schema)}.mine`))).toBe('42501');
    expect(await h.databaseOwner(productDb)).toBe(new URL(h.adminUrl).username);
    for (const t of [first, second]) await provisioner.deprovision(t);
  });

  it('drops hundreds of tenants its tenant admin made in a product database, more objects than one statement may lock', async () => {
    // Another platform on the same server, so this suite's roles are not touched.
    const bulkRun = `${run}b`;
    const platformDb = `t_platform_roles_${bulkRun}`;
    const productDb = `p_bulk_${bulkRun}`;
    await h.admin('postgres', `CREATE DATABASE ${q(platformDb)}`);
    const bulk = new PlatformPostgresRoles({
      adminUrl: h.adminUrl,
      database: platformDb,
      apps: [],
      prefix: `it_${bulkRun}`,
      closeMaintenanceDatabase: false,
    });
    try {
      const bulkLogins = await bulk.ensure();
      await bulk.delegateDatabases([productDb], { create: true });
      // 200 tenants, each a role owning a schema of ten tables (table, key index, TOAST table and
      // its index: 40 relations), made by the tenant admin as the provisioner makes them: 8,000
      // relations, beyond this server's lock table (64 locks per transaction × 100 connections).
      const tenantAdmin = await connect(withDatabase(bulkLogins.tenantAdminUrl, productDb));
      const roleNames = Array.from({ length: 200 }, (_, i) => `t_${bulkRun}_${i}`);
      for (let i = 0; i < roleNames.length; i += 20) {
        const statements = roleNames
          .slice(i, i + 20)
          .flatMap((role) => [
            `CREATE ROLE ${q(role)} NOLOGIN`,
            `GRANT ${q(role)} TO ${q(bulkLogins.roles.tenantAdmin)}`,
            `GRANT CONNECT ON DATABASE ${q(productDb)} TO ${q(role)}`,
            `CREATE SCHEMA ${q(role)} AUTHORIZATION ${q(role)}`,
            `SET ROLE ${q(role)}`,
            ...Array.from(
              { length: 10 },
              (_, t) => `CREATE TABLE ${q(role)}.t${t} (id int PRIMARY KEY, v text)`,
            ),
            'RESET ROLE',
          ]);
        await tenantAdmin.query(`BEGIN; ${statements.join('; ')}; COMMIT`);
      }
      await tenantAdmin.end();

      await bulk.drop();

      const left = await h.admin<{ rolname: string }>(
        'postgres',
        'SELECT rolname FROM pg_roles WHERE rolname LIKE $1 OR rolname LIKE $2',
        [`t\\_${bulkRun}\\_%`, `it\\_${bulkRun}\\_%`],
      );
      expect(left).toEqual([]);
      const schemas = await h.admin<{ n: number }>(
        productDb,
        'SELECT count(*)::int AS n FROM pg_namespace WHERE nspname LIKE $1',
        [`t\\_${bulkRun}\\_%`],
      );
      expect(schemas).toEqual([{ n: 0 }]);
    } finally {
      await h.admin('postgres', `DROP DATABASE IF EXISTS ${q(productDb)} WITH (FORCE)`);
      await h.admin('postgres', `DROP DATABASE IF EXISTS ${q(platformDb)} WITH (FORCE)`);
      await bulk.drop().catch(() => undefined);
    }
  });

  it.each(['DATABASE', 'SCHEMA'] as const)(
    'provisions a %s tenant through the provisioner role; the tenant cannot open the platform database nor postgres',
    async (mode) => {
      const tenant = h.tenant(mode);
      await h.provision(tenant, provisioner);
      const own = h.url(tenant.database, tenant.username, tenant.password);
      const client = await connect(own);
      await client.query('CREATE TABLE mine (v int)');
      for (const closed of [database, 'postgres'])
        expect(await refusal(withDatabase(own, closed))).toMatch(
          /^42501 permission denied for database/,
        );
      // What a neighbour reads in the catalogs about this role: no tenant id, no product name.
      const [{ comment }] = await h.admin<{ comment: string }>(
        'postgres',
        "SELECT shobj_description(oid, 'pg_authid') AS comment FROM pg_roles WHERE rolname = $1",
        [tenant.username],
      );
      expect(comment).toMatch(/^enclave:postgres-provisioner [0-9a-f]{32}$/);
      expect(comment).not.toContain(tenant.tenantId);
      expect(comment).not.toContain(tenant.product);
      await client.end();
      await provisioner.deprovision(tenant);
      expect(await h.roleCount(tenant.username)).toBe(0);
    },
  );
});
