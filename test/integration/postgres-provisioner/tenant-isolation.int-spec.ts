import { Client, escapeIdentifier, escapeLiteral } from 'pg';
import {
  POSTGRES_ACL_LOCK,
  PostgresTenantHarness,
  TestTenant,
  sqlState,
} from './postgres-tenant.harness';

const q = escapeIdentifier;
/** SQLSTATE 28P01: the server's own password check failed (it requires scram-sha-256). */
const INVALID_PASSWORD = '28P01';
const INSUFFICIENT_PRIVILEGE = '42501';

/**
 * Tenant A attacks tenant B on the real server, with every trick a login role has. Both are
 * provisioned in SCHEMA mode (neighbours in one product database) and in DATABASE mode. Each attack
 * must be refused, with the SQLSTATE saying why.
 */
describe('tenant isolation on PostgreSQL (A attacks B)', () => {
  // Databases made and dropped by the dozen: slow on a busy server (several suites share it).
  jest.setTimeout(60_000);
  const h = new PostgresTenantHarness();
  let aS: TestTenant; // SCHEMA mode
  let bS: TestTenant;
  let aD: TestTenant; // DATABASE mode
  let bD: TestTenant;
  let a: Client; // A's SCHEMA-mode role, in the shared product database
  let b: Client;
  let bLargeObject: number;

  beforeAll(async () => {
    await h.recordExercised();
    const [ta, tb] = [PostgresTenantHarness.tenantId('a'), PostgresTenantHarness.tenantId('b')];
    [aS, bS, aD, bD] = [
      h.tenant('SCHEMA', ta),
      h.tenant('SCHEMA', tb),
      h.tenant('DATABASE', ta),
      h.tenant('DATABASE', tb),
    ];
    for (const t of [aS, bS, aD, bD]) await h.provision(t);

    b = await h.connectAs(bS.username, bS.password, bS.database);
    await b.query(
      "CREATE TABLE data (secret text); INSERT INTO data SELECT 'b-secret-' || g FROM generate_series(1, 50) g",
    );
    await b.query('ANALYZE data');
    bLargeObject = (await b.query<{ lo: number }>("SELECT lo_from_bytea(0, 'b-blob') AS lo"))
      .rows[0].lo;
    const bd = await h.connectAs(bD.username, bD.password, bD.database);
    await bd.query("CREATE TABLE data (secret text); INSERT INTO data VALUES ('b-db-secret')");
    await bd.end();

    a = await h.connectAs(aS.username, aS.password, aS.database);
    await a.query("CREATE TABLE mine (v text); INSERT INTO mine VALUES ('a')");
  });

  afterAll(() => h.tearDown());

  const refused = (sql: string, params: unknown[] = []) => sqlState(a.query(sql, params));
  const bSchema = () => q(bS.schema);

  describe('SCHEMA mode, same product database', () => {
    it("cannot read B's table, qualified", async () => {
      expect(await refused(`SELECT * FROM ${bSchema()}.data`)).toBe(INSUFFICIENT_PRIVILEGE);
    });

    it("cannot read B's table through search_path (a schema without USAGE is skipped)", async () => {
      await a.query(`SET search_path = ${bSchema()}`);
      try {
        expect(await refused('SELECT * FROM data')).toBe('42P01'); // undefined_table: B's schema is invisible
      } finally {
        await a.query('RESET search_path');
      }
      expect((await a.query('SELECT current_schema() AS s')).rows[0].s).toBe(aS.schema);
    });

    it("cannot create, drop or rename in B's schema, in public, or new schemas", async () => {
      expect(await refused(`CREATE TABLE ${bSchema()}.evil (i int)`)).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await refused(`DROP TABLE ${bSchema()}.data`)).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await refused(`DROP SCHEMA ${bSchema()} CASCADE`)).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await refused('CREATE TABLE public.evil (i int)')).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await refused('CREATE SCHEMA evil')).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await refused('CREATE TEMP TABLE evil (i int)')).toBe(INSUFFICIENT_PRIVILEGE);
      // Renaming its own schema needs CREATE on the database: no squatting another tenant's name.
      expect(await refused(`ALTER SCHEMA ${q(aS.schema)} RENAME TO t_squatted`)).toBe(
        INSUFFICIENT_PRIVILEGE,
      );
    });

    it("cannot become B: SET ROLE, GRANT B's role to itself, change B's password, raise its own attributes", async () => {
      expect(await refused(`SET ROLE ${q(bS.username)}`)).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await refused(`SET SESSION AUTHORIZATION ${q(bS.username)}`)).toBe(
        INSUFFICIENT_PRIVILEGE,
      );
      expect(await refused(`GRANT ${q(bS.username)} TO ${q(aS.username)}`)).toBe(
        INSUFFICIENT_PRIVILEGE,
      );
      expect(
        await refused(`ALTER ROLE ${q(bS.username)} PASSWORD ${escapeLiteral('mine-now')}`),
      ).toBe(INSUFFICIENT_PRIVILEGE);
      for (const attribute of [
        'SUPERUSER',
        'CREATEDB',
        'CREATEROLE',
        'BYPASSRLS',
        'INHERIT CONNECTION LIMIT -1',
      ]) {
        expect(await refused(`ALTER ROLE ${q(aS.username)} ${attribute}`)).toBe(
          INSUFFICIENT_PRIVILEGE,
        );
      }
      expect(await refused('CREATE ROLE evil')).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await refused('CREATE DATABASE evil')).toBe(INSUFFICIENT_PRIVILEGE);
    });

    it("cannot read B's data through a view or a function it creates", async () => {
      // A view is checked when it is created (no USAGE on B's schema)...
      expect(await refused(`CREATE VIEW steal_v AS SELECT * FROM ${bSchema()}.data`)).toBe(
        INSUFFICIENT_PRIVILEGE,
      );
      // ...a function body only when it runs, and then with A's rights (SECURITY DEFINER included).
      for (const security of ['INVOKER', 'DEFINER']) {
        const fn = `steal_${security.toLowerCase()}`;
        await a.query(
          `CREATE FUNCTION ${fn}() RETURNS SETOF text LANGUAGE plpgsql SECURITY ${security}
             AS $$ BEGIN RETURN QUERY EXECUTE 'SELECT secret FROM ${bS.schema}.data'; END $$`,
        );
        expect(await refused(`SELECT * FROM ${fn}()`)).toBe(INSUFFICIENT_PRIVILEGE);
      }
    });

    it("cannot read B's large objects or B's column statistics", async () => {
      expect(await refused('SELECT lo_get($1)', [bLargeObject])).toBe(INSUFFICIENT_PRIVILEGE);
      // pg_stats shows most-common values (here: B's secrets) only for tables the reader may SELECT.
      const [adminView] = await h.admin<{ n: number }>(
        aS.database,
        'SELECT count(*)::int AS n FROM pg_stats WHERE schemaname = $1',
        [bS.schema],
      );
      expect(adminView.n).toBeGreaterThan(0);
      expect(
        (
          await a.query('SELECT count(*)::int AS n FROM pg_stats WHERE schemaname = $1', [
            bS.schema,
          ])
        ).rows[0].n,
      ).toBe(0);
      expect(await refused('SELECT * FROM pg_statistic')).toBe(INSUFFICIENT_PRIVILEGE);
    });

    it("cannot end or cancel B's sessions, read server files or run programs", async () => {
      const bPid = (await b.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      expect(await refused('SELECT pg_terminate_backend($1)', [bPid])).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await refused('SELECT pg_cancel_backend($1)', [bPid])).toBe(INSUFFICIENT_PRIVILEGE);
      expect((await b.query('SELECT 1 AS ok')).rows[0].ok).toBe(1);
      expect(await refused("SELECT pg_read_file('/etc/passwd')")).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await refused("COPY (SELECT 1) TO PROGRAM 'true'")).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await refused("COPY mine FROM '/etc/hostname'")).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await refused('CREATE EXTENSION dblink')).toBe(INSUFFICIENT_PRIVILEGE);
    });

    it('KNOWN LIMIT: can see the names of other tenants (catalogs are world-readable), never their data', async () => {
      // PostgreSQL's catalogs are readable by every role: A learns B's schema, table and role names,
      // the server's database names and that B has sessions (not what they run). Hiding that needs
      // DATABASE mode on separate servers; names carry no tenant data beyond the tenant id itself.
      const names = await a.query<{ nspname: string }>(
        'SELECT nspname FROM pg_namespace WHERE nspname = $1',
        [bS.schema],
      );
      expect(names.rows).toHaveLength(1);
      const tables = await a.query('SELECT tablename FROM pg_tables WHERE schemaname = $1', [
        bS.schema,
      ]);
      expect(tables.rows).toEqual([{ tablename: 'data' }]);
      const roles = await a.query('SELECT rolname FROM pg_roles WHERE rolname = $1', [bS.username]);
      expect(roles.rows).toHaveLength(1);
      const databases = await a.query('SELECT datname FROM pg_database WHERE datname = $1', [
        bD.database,
      ]);
      expect(databases.rows).toHaveLength(1);
      const sessions = await a.query<{ query: string }>(
        'SELECT query FROM pg_stat_activity WHERE usename = $1',
        [bS.username],
      );
      expect(sessions.rows.length).toBeGreaterThan(0);
      for (const s of sessions.rows) expect(s.query).toBe('<insufficient privilege>');
    });
  });

  describe('DATABASE mode and across databases', () => {
    it("cannot connect to B's database, nor the other mode's role to the other's database", async () => {
      for (const [role, password] of [
        [aD.username, aD.password],
        [aS.username, aS.password],
      ]) {
        expect(await sqlState(h.connectAs(role, password, bD.database))).toBe(
          INSUFFICIENT_PRIVILEGE,
        );
      }
      // A's DATABASE-mode role has no business in the product's shared database either.
      expect(await sqlState(h.connectAs(aD.username, aD.password, aS.database))).toBe(
        INSUFFICIENT_PRIVILEGE,
      );
    });

    it("A's password does not open B's roles: the server's own check refuses it (28P01)", async () => {
      for (const [target, password] of [
        [bS, aS.password],
        [bD, aD.password],
        [bS, aD.password],
        [bD, aS.password],
      ] as const) {
        expect(await sqlState(h.connectAs(target.username, password, target.database))).toBe(
          INVALID_PASSWORD,
        );
      }
    });

    it('cannot rename its database over another name or install untrusted extensions', async () => {
      const ad = await h.connectAs(aD.username, aD.password, aD.database);
      try {
        expect(
          await sqlState(ad.query(`ALTER DATABASE ${q(aD.database)} RENAME TO t_squatted`)),
        ).toBe(INSUFFICIENT_PRIVILEGE);
        for (const extension of ['dblink', 'postgres_fdw', 'file_fdw']) {
          expect(await sqlState(ad.query(`CREATE EXTENSION ${extension}`))).toBe(
            INSUFFICIENT_PRIVILEGE,
          );
        }
        expect(await sqlState(ad.query(`SELECT * FROM ${q(bD.database)}.public.data`))).toBe(
          '0A000',
        ); // no cross-database refs
      } finally {
        await ad.end();
      }
    });

    it("cannot hijack the provisioner's admin session with functions planted in its own database", async () => {
      // A owns `public` of its database. With the default search_path, `public.acldefault(text, oid)`
      // would beat the built-in for an untyped literal and run with the admin's (superuser) rights on
      // the next provisioning; the provisioner pins search_path to pg_catalog and types its literals.
      const ad = await h.connectAs(aD.username, aD.password, aD.database);
      try {
        await ad.query('CREATE TABLE public.trojan_log (at timestamptz DEFAULT now())');
        await ad.query(
          `CREATE FUNCTION public.acldefault(text, oid) RETURNS aclitem[] LANGUAGE plpgsql AS $$
             BEGIN
               INSERT INTO public.trojan_log DEFAULT VALUES;
               EXECUTE format('ALTER ROLE %I SUPERUSER', ${escapeLiteral(aD.username)});
               RETURN NULL;
             END $$`,
        );
        await ad.query(`ALTER DATABASE ${q(aD.database)} SET search_path = public, pg_catalog`);
      } finally {
        await ad.end();
      }

      aD.password = PostgresTenantHarness.password();
      await h.provision(aD); // a re-run (rotation): the admin connects into A's database

      const [role] = await h.admin('postgres', 'SELECT rolsuper FROM pg_roles WHERE rolname = $1', [
        aD.username,
      ]);
      expect(role).toEqual({ rolsuper: false });
      expect(await h.admin(aD.database, 'SELECT * FROM public.trojan_log')).toEqual([]);
    });

    it('reaches nothing but its own schema anywhere on the server (every database it can connect to)', async () => {
      for (const tenant of [aS, aD]) {
        const reachable = await h.admin<{ datname: string }>(
          'postgres',
          "SELECT datname FROM pg_database WHERE datallowconn AND has_database_privilege($1, oid, 'CONNECT')",
          [tenant.username],
        );
        const exposures: string[] = [];
        for (const { datname } of reachable) {
          const rows = await h
            .admin<{ what: string }>(
              datname,
              `SELECT 'CREATE on schema ' || nspname AS what FROM pg_namespace
                WHERE has_schema_privilege($1, oid, 'CREATE') AND NOT (current_database() = $3 AND nspname = $2)
               UNION ALL
               SELECT 'SELECT on ' || n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f', 'S')
                  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND NOT (current_database() = $3 AND n.nspname = $2)
                  AND has_schema_privilege($1, n.oid, 'USAGE') AND has_table_privilege($1, c.oid, 'SELECT')`,
              [tenant.username, tenant.schema, tenant.database],
            )
            .catch((error: { code?: string }) => {
              if (error.code === '3D000') return []; // another suite's database, dropped meanwhile
              throw error;
            });
          exposures.push(...rows.map((r) => `${datname}: ${r.what}`));
        }
        expect(exposures).toEqual([]);
        // It can connect to its own database; where else it can (PUBLIC CONNECT) is documented below.
        expect(reachable.map((r) => r.datname)).toContain(tenant.database);
        expect(reachable.map((r) => r.datname)).not.toContain(
          tenant.mode === 'SCHEMA' ? bD.database : bS.database,
        );
      }
    });

    it('KNOWN LIMIT: the maintenance database `postgres` admits it (PUBLIC CONNECT, TEMP) but it can create nothing lasting', async () => {
      // This server leaves PostgreSQL's defaults on `postgres` (and other databases not made by the
      // provisioner): PUBLIC may CONNECT and create TEMP tables. PostgreSQL 15 no longer lets PUBLIC
      // create in `public`. A dedicated tenant server should REVOKE CONNECT, TEMP ... FROM PUBLIC on them.
      // The platform-roles suite closes `postgres` to PUBLIC for a while: not meanwhile.
      const lock = new Client({ connectionString: h.url('postgres') });
      await lock.connect();
      await lock.query('SELECT pg_advisory_lock_shared(hashtext($1))', [POSTGRES_ACL_LOCK]);
      const pg = await h.connectAs(aS.username, aS.password, 'postgres').finally(() => lock.end());
      try {
        expect(await sqlState(pg.query('CREATE TABLE public.evil (i int)'))).toBe(
          INSUFFICIENT_PRIVILEGE,
        );
        expect(await sqlState(pg.query('CREATE SCHEMA evil'))).toBe(INSUFFICIENT_PRIVILEGE);
        expect(await sqlState(pg.query('CREATE TEMP TABLE scratch (i int)'))).toBe('resolved'); // session-private
      } finally {
        await pg.end();
      }
    });
  });
});
