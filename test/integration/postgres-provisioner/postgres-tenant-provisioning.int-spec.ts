import { IsolationMode } from '@enclave/contracts';
import { PermanentStageError } from '@enclave/lifecycle';
import { escapeIdentifier, escapeLiteral } from 'pg';
import { PostgresTenantProvisioner } from '../../../apps/postgres-provisioner/src/provisioning/postgres-tenant.provisioner';
import { PostgresTenantHarness, TestTenant, sqlState } from './postgres-tenant.harness';

const q = escapeIdentifier;
/** SQLSTATE 28P01: the server's own password check failed. */
const INVALID_PASSWORD = '28P01';

/**
 * PostgresTenantProvisioner on the real tenant server: what it creates, that re-running it (also
 * concurrently, from two "replicas") converges, that it refuses bad names and foreign objects without
 * touching them, and that deprovisioning leaves nothing behind.
 */
describe('PostgresTenantProvisioner (real PostgreSQL)', () => {
  // Databases made and dropped by the dozen: slow on a busy server (several suites share it).
  jest.setTimeout(60_000);
  const h = new PostgresTenantHarness();

  beforeAll(() => h.recordExercised());
  afterAll(() => h.tearDown());

  describe.each<IsolationMode>(['DATABASE', 'SCHEMA'])('%s mode', (mode) => {
    let tenant: TestTenant;

    beforeAll(async () => {
      tenant = h.tenant(mode);
      const result = await h.provision(tenant);
      expect(result).toEqual({
        database: tenant.database,
        schema: tenant.schema,
        role: tenant.username,
      });
    });

    it('makes one locked-down login role with the vaulted password', async () => {
      const roles = await h.admin('postgres', 'SELECT * FROM pg_roles WHERE rolname = $1', [
        tenant.username,
      ]);
      expect(roles).toHaveLength(1);
      expect(roles[0]).toMatchObject({
        rolcanlogin: true,
        rolsuper: false,
        rolcreatedb: false,
        rolcreaterole: false,
        rolinherit: false,
        rolreplication: false,
        rolbypassrls: false,
        rolconnlimit: 50,
      });
      // The stored verifier is made from the vaulted password, and the server (scram-sha-256 in
      // pg_hba) lets the role in with it and with nothing else.
      const [auth] = await h.admin<{ set: boolean }>(
        'postgres',
        'SELECT rolpassword IS NOT NULL AS set FROM pg_authid WHERE rolname = $1',
        [tenant.username],
      );
      expect(auth.set).toBe(true);
      expect(await h.passwordMatches(tenant.username, tenant.password)).toBe(true);
      expect(await h.passwordMatches(tenant.username, 'not-the-password')).toBe(false);
      expect(
        await sqlState(h.connectAs(tenant.username, 'not-the-password', tenant.database)),
      ).toBe(INVALID_PASSWORD);
      expect(await sqlState(h.connectAs(tenant.username, '', tenant.database))).not.toBe(
        'resolved',
      );
      const own = await h.connectAs(tenant.username, tenant.password, tenant.database);
      expect((await own.query('SELECT current_user AS u')).rows).toEqual([{ u: tenant.username }]);
      await own.end();
      // No membership in any role, and no role is a member of it (besides nothing).
      const members = await h.admin(
        'postgres',
        'SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid IN (m.roleid, m.member) WHERE r.rolname = $1',
        [tenant.username],
      );
      expect(members).toEqual([]);
    });

    it('makes the database or schema exactly once, owned as intended, closed to PUBLIC', async () => {
      const databases = await h.admin<{ owner: string; public_acl: number }>(
        'postgres',
        `SELECT pg_get_userbyid(datdba) AS owner,
                (SELECT count(*)::int FROM aclexplode(coalesce(datacl, acldefault('d'::"char", datdba))) a
                  WHERE a.grantee = 0) AS public_acl
           FROM pg_database WHERE datname = $1`,
        [tenant.database],
      );
      expect(databases).toHaveLength(1);
      expect(databases[0].public_acl).toBe(0);

      const [publicSchema] = await h.admin<{ owner: string; public_acl: number }>(
        tenant.database,
        `SELECT pg_get_userbyid(nspowner) AS owner,
                (SELECT count(*)::int FROM aclexplode(coalesce(nspacl, acldefault('n'::"char", nspowner))) a
                  WHERE a.grantee = 0) AS public_acl
           FROM pg_namespace WHERE nspname = 'public'`,
      );
      expect(publicSchema.public_acl).toBe(0);

      const settings = await h.admin<{ setconfig: string[] }>(
        'postgres',
        `SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
          WHERE d.datname = $1 AND s.setrole = to_regrole($2)`,
        [tenant.database, tenant.username],
      );
      expect(settings).toEqual([{ setconfig: [`search_path=${tenant.schema}`] }]);

      if (mode === 'DATABASE') {
        expect(databases[0].owner).toBe(tenant.username);
        expect(publicSchema.owner).toBe(tenant.username);
      } else {
        expect(databases[0].owner).toBe(new URL(h.adminUrl).username);
        const schemas = await h.admin<{ owner: string }>(
          tenant.database,
          'SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = $1',
          [tenant.schema],
        );
        expect(schemas).toEqual([{ owner: tenant.username }]);
        const [connect] = await h.admin<{ ok: boolean }>(
          'postgres',
          "SELECT has_database_privilege($1, $2, 'CONNECT') AS ok",
          [tenant.username, tenant.database],
        );
        expect(connect.ok).toBe(true);
      }
    });

    it('lets the role connect and create tables that land, unqualified, in its own schema', async () => {
      const client = await h.connectAs(tenant.username, tenant.password, tenant.database);
      try {
        expect(
          (await client.query('SELECT current_user AS u, current_schema() AS s')).rows[0],
        ).toEqual({
          u: tenant.username,
          s: tenant.schema,
        });
        await client.query('CREATE TABLE accounts (id int PRIMARY KEY, name text NOT NULL)');
        await client.query("INSERT INTO accounts VALUES (1, 'first')");
        expect((await client.query('SELECT name FROM accounts')).rows).toEqual([{ name: 'first' }]);
        const [where] = (
          await client.query<{ schemaname: string; tableowner: string }>(
            "SELECT schemaname, tableowner FROM pg_tables WHERE tablename = 'accounts' AND tableowner = current_user",
          )
        ).rows;
        expect(where).toEqual({ schemaname: tenant.schema, tableowner: tenant.username });
      } finally {
        await client.end();
      }
    });

    it('converges when run again, and twice at once from two replicas, keeping the data', async () => {
      const before = tenant.password;
      tenant.password = PostgresTenantHarness.password(); // a rotated secret: the re-run must apply it
      await h.provision(tenant);
      expect(await h.passwordMatches(tenant.username, tenant.password)).toBe(true);
      // The server itself now refuses the rotated-out password.
      expect(await sqlState(h.connectAs(tenant.username, before, tenant.database))).toBe(
        INVALID_PASSWORD,
      );

      const replica = new PostgresTenantProvisioner(h.adminUrl);
      try {
        const results = await Promise.all([
          h.provision(tenant),
          h.provision(tenant, replica),
          h.provision(tenant),
          h.provision(tenant, replica),
        ]);
        for (const r of results) {
          expect(r).toEqual({
            database: tenant.database,
            schema: tenant.schema,
            role: tenant.username,
          });
        }
      } finally {
        await replica.close();
      }
      expect(await h.roleCount(tenant.username)).toBe(1);
      expect(await h.passwordMatches(tenant.username, tenant.password)).toBe(true);
      const [counts] = await h.admin<{ dbs: number }>(
        'postgres',
        'SELECT count(*)::int AS dbs FROM pg_database WHERE datname = $1',
        [tenant.database],
      );
      expect(counts.dbs).toBe(1);
      // The tenant's data survives every re-run.
      const client = await h.connectAs(tenant.username, tenant.password, tenant.database);
      try {
        expect((await client.query('SELECT name FROM accounts')).rows).toEqual([{ name: 'first' }]);
      } finally {
        await client.end();
      }
    });
  });

  it('provisions many tenants of one product at once (shared product database, one ACL row)', async () => {
    const tenants = Array.from({ length: 6 }, () => h.tenant('SCHEMA'));
    const replica = new PostgresTenantProvisioner(h.adminUrl);
    try {
      await Promise.all(
        tenants.map((t, i) => h.provision(t, i % 2 === 0 ? h.provisioner : replica)),
      );
    } finally {
      await replica.close();
    }
    for (const t of tenants) {
      expect(await h.schemaOwner(t.database, t.schema)).toBe(t.username);
      const [connect] = await h.admin<{ ok: boolean }>(
        'postgres',
        "SELECT has_database_privilege($1, $2, 'CONNECT') AS ok",
        [t.username, t.database],
      );
      expect(connect.ok).toBe(true);
    }
  });

  it('rejects invalid identifiers before any SQL is sent', async () => {
    // Port 1 refuses connections: reaching SQL would fail with ECONNREFUSED, not PermanentStageError.
    const unreachable = new PostgresTenantProvisioner('postgres://nobody@127.0.0.1:1/postgres');
    try {
      const password = PostgresTenantHarness.password();
      const bad: Array<{ tenantId: string; product: string; mode: string }> = [
        { tenantId: 'Acme', product: h.product, mode: 'SCHEMA' },
        { tenantId: 'a"; DROP ROLE postgres; --', product: h.product, mode: 'SCHEMA' },
        { tenantId: "x'; DROP DATABASE postgres; --", product: h.product, mode: 'DATABASE' },
        { tenantId: 'ab', product: h.product, mode: 'DATABASE' },
        { tenantId: `a${'b'.repeat(40)}`, product: h.product, mode: 'DATABASE' },
        { tenantId: 'it-ok', product: 'Ledger"', mode: 'SCHEMA' },
        { tenantId: 'it-ok', product: h.product, mode: 'SHARED' },
      ];
      for (const b of bad) {
        const request = { ...b, mode: b.mode as IsolationMode, username: 'x', password };
        await expect(unreachable.provision(request)).rejects.toThrow(PermanentStageError);
        await expect(unreachable.deprovision(request)).rejects.toThrow(PermanentStageError);
      }
      // A valid tenant whose credentials name another role is refused the same way.
      const valid = { tenantId: 'it-ok', product: h.product, mode: 'SCHEMA' as const, password };
      await expect(unreachable.provision({ ...valid, username: 'postgres' })).rejects.toThrow(
        /must use role/,
      );
      await expect(
        unreachable.provision({
          ...valid,
          username: `t_it_ok_${h.product}_s`,
          password: 'pässwörd',
        }),
      ).rejects.toThrow(PermanentStageError);
    } finally {
      await unreachable.close();
    }
  });

  describe('never takes over foreign objects', () => {
    const foreignRole = `it_foreign_${Math.random().toString(36).slice(2, 10)}`;

    beforeAll(async () => {
      await h.admin('postgres', `CREATE ROLE ${q(foreignRole)} NOLOGIN`);
      h.onCleanup(async () => {
        for (const db of ['postgres', `p_${h.product}`]) {
          if (await h.databaseOwner(db)) await h.admin(db, `DROP OWNED BY ${q(foreignRole)}`);
        }
        await h.admin('postgres', `DROP ROLE IF EXISTS ${q(foreignRole)}`);
      });
    });

    it('a database of the derived name owned by another role: refused, untouched, nothing created', async () => {
      const tenant = h.tenant('DATABASE');
      await h.admin('postgres', `CREATE DATABASE ${q(tenant.database)} OWNER ${q(foreignRole)}`);
      h.onCleanup(() =>
        h.admin('postgres', `DROP DATABASE IF EXISTS ${q(tenant.database)} WITH (FORCE)`),
      );
      await h.admin(
        tenant.database,
        'CREATE TABLE precious (v text); INSERT INTO precious VALUES ($$keep$$)',
      );
      const [before] = await h.admin<{ datacl: string | null }>(
        'postgres',
        'SELECT datacl::text FROM pg_database WHERE datname = $1',
        [tenant.database],
      );

      await expect(h.provision(tenant)).rejects.toThrow(PermanentStageError);
      await expect(h.provision(tenant)).rejects.toThrow(
        /already exists and is owned by "it_foreign_/,
      );
      await expect(h.provisioner.deprovision(tenant)).rejects.toThrow(PermanentStageError);

      expect(await h.databaseOwner(tenant.database)).toBe(foreignRole);
      expect(
        await h.admin('postgres', 'SELECT datacl::text FROM pg_database WHERE datname = $1', [
          tenant.database,
        ]),
      ).toEqual([before]);
      expect(await h.admin(tenant.database, 'SELECT v FROM precious')).toEqual([{ v: 'keep' }]);
      expect(await h.roleCount(tenant.username)).toBe(0);
    });

    it('a schema of the derived name owned by another role: refused, untouched, nothing created', async () => {
      const first = h.tenant('SCHEMA');
      await h.provision(first); // makes the product database
      const tenant = h.tenant('SCHEMA');
      await h.admin(
        tenant.database,
        `CREATE SCHEMA ${q(tenant.schema)} AUTHORIZATION ${q(foreignRole)}`,
      );
      await h.admin(
        tenant.database,
        `CREATE TABLE ${q(tenant.schema)}.precious (v text); INSERT INTO ${q(tenant.schema)}.precious VALUES ('keep')`,
      );

      await expect(h.provision(tenant)).rejects.toThrow(
        /schema "t_it_\w+" already exists and is owned by "it_foreign_/,
      );
      await expect(h.provisioner.deprovision(tenant)).rejects.toThrow(PermanentStageError);

      expect(await h.schemaOwner(tenant.database, tenant.schema)).toBe(foreignRole);
      expect(await h.admin(tenant.database, `SELECT v FROM ${q(tenant.schema)}.precious`)).toEqual([
        { v: 'keep' },
      ]);
      expect(await h.roleCount(tenant.username)).toBe(0);
      await h.admin(tenant.database, `DROP SCHEMA ${q(tenant.schema)} CASCADE`);
    });

    it('a role of the derived name not made by Enclave: refused, its password and attributes untouched', async () => {
      const tenant = h.tenant('SCHEMA');
      await h.admin(
        'postgres',
        `CREATE ROLE ${q(tenant.username)} LOGIN CREATEDB PASSWORD ${escapeLiteral('theirs-1234')}`,
      );
      h.onCleanup(() => h.admin('postgres', `DROP ROLE IF EXISTS ${q(tenant.username)}`));

      await expect(h.provision(tenant)).rejects.toThrow(
        /role ".*" already exists and was not made by Enclave/,
      );
      await expect(h.provisioner.deprovision(tenant)).rejects.toThrow(PermanentStageError);

      expect(await h.passwordMatches(tenant.username, 'theirs-1234')).toBe(true);
      const [role] = await h.admin(
        'postgres',
        'SELECT rolcreatedb, rolinherit FROM pg_roles WHERE rolname = $1',
        [tenant.username],
      );
      expect(role).toEqual({ rolcreatedb: true, rolinherit: true });
      expect(await h.schemaOwner(tenant.database, tenant.schema)).toBeUndefined();
      await h.admin('postgres', `DROP ROLE ${q(tenant.username)}`);
    });

    it('tenants whose names once collided (tenant x-ab/product P vs tenant x/product ab-P) get their own', async () => {
      // Derived names join tenant and product with `__`, which neither may contain, so these two
      // registrations no longer share a role or database; both provision and neither sees the other.
      const base = PostgresTenantHarness.tenantId();
      const first = h.tenant('DATABASE', `${base}-ab`, h.product);
      const second = h.tenant('DATABASE', base, `ab-${h.product}`);
      expect(second.username).not.toBe(first.username);
      expect(second.database).not.toBe(first.database);

      await h.provision(first);
      const client = await h.connectAs(first.username, first.password, first.database);
      await client.query("CREATE TABLE mine (v text); INSERT INTO mine VALUES ('first data')");
      await client.end();
      await h.provision(second);

      expect(await h.passwordMatches(first.username, first.password)).toBe(true);
      expect(await h.passwordMatches(second.username, second.password)).toBe(true);
      expect(await h.admin(first.database, 'SELECT v FROM public.mine')).toEqual([
        { v: 'first data' },
      ]);
      await h.provisioner.deprovision(second);
      await h.provisioner.deprovision(first);
    });
  });

  describe('deprovision', () => {
    it.each<IsolationMode>(['DATABASE', 'SCHEMA'])(
      '%s mode: removes database or schema, role, grants, settings and large objects; idempotent',
      async (mode) => {
        const neighbour = h.tenant(mode);
        const tenant = h.tenant(mode);
        await h.provision(neighbour);
        await h.provision(tenant);

        // An open session, a table and a large object: deprovisioning must not trip over them.
        const session = await h.connectAs(tenant.username, tenant.password, tenant.database);
        await session.query("CREATE TABLE doomed (v text); INSERT INTO doomed VALUES ('x')");
        const [{ lo }] = (
          await session.query<{ lo: number }>("SELECT lo_from_bytea(0, 'blob') AS lo")
        ).rows;

        await h.provisioner.deprovision(tenant);
        await h.provisioner.deprovision(tenant); // idempotent
        expect(await sqlState(session.query('SELECT 1'))).not.toBe('resolved'); // its session was ended

        expect(await h.roleCount(tenant.username)).toBe(0);
        const settings = await h.admin(
          'postgres',
          'SELECT 1 FROM pg_db_role_setting s WHERE NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.oid = s.setrole) AND s.setrole <> 0',
        );
        expect(settings).toEqual([]);
        if (mode === 'DATABASE') {
          expect(await h.databaseOwner(tenant.database)).toBeUndefined();
        } else {
          expect(await h.schemaOwner(tenant.database, tenant.schema)).toBeUndefined();
          const leftovers = await h.admin(
            tenant.database,
            `SELECT 1 FROM pg_largeobject_metadata WHERE oid = $1
             UNION ALL
             SELECT 1 FROM pg_database d, aclexplode(d.datacl) a
              WHERE d.datname = current_database() AND a.grantee <> 0
                AND NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.oid = a.grantee)`,
            [lo],
          );
          expect(leftovers).toEqual([]);
        }

        // The neighbour is unaffected.
        const client = await h.connectAs(
          neighbour.username,
          neighbour.password,
          neighbour.database,
        );
        expect((await client.query('SELECT current_schema() AS s')).rows[0].s).toBe(
          neighbour.schema,
        );
        await client.end();
        if (mode === 'SCHEMA')
          expect(await h.schemaOwner(neighbour.database, neighbour.schema)).toBe(
            neighbour.username,
          );

        // Never provisioned at all: nothing to do, no error.
        await h.provisioner.deprovision({
          tenantId: PostgresTenantHarness.tenantId(),
          product: h.product,
          mode,
        });
      },
    );
  });

  it('works with a non-superuser admin that has CREATEROLE and CREATEDB', async () => {
    const adminRole = `it_admin_${Math.random().toString(36).slice(2, 10)}`;
    const adminPassword = PostgresTenantHarness.password();
    await h.admin(
      'postgres',
      `CREATE ROLE ${q(adminRole)} LOGIN CREATEROLE CREATEDB PASSWORD ${escapeLiteral(adminPassword)}`,
    );
    const product = `${h.product}-na`;
    const limited = new PostgresTenantProvisioner(h.url('postgres', adminRole, adminPassword));
    h.onCleanup(async () => {
      await limited.close();
      await h.admin(
        'postgres',
        `DROP DATABASE IF EXISTS ${q(`p_${product.replace(/-/g, '_')}`)} WITH (FORCE)`,
      );
      await h.admin('postgres', `DROP OWNED BY ${q(adminRole)}`);
      await h.admin('postgres', `DROP ROLE IF EXISTS ${q(adminRole)}`);
    });

    for (const mode of ['DATABASE', 'SCHEMA'] as const) {
      const tenant = h.tenant(mode, PostgresTenantHarness.tenantId(), product);
      await h.provision(tenant, limited);
      await h.provision(tenant, limited); // and again
      expect(await h.passwordMatches(tenant.username, tenant.password)).toBe(true);
      const client = await h.connectAs(tenant.username, tenant.password, tenant.database);
      await client.query('CREATE TABLE t (v int)');
      expect(
        (
          await client.query(
            "SELECT schemaname FROM pg_tables WHERE tablename = 't' AND tableowner = current_user",
          )
        ).rows,
      ).toEqual([{ schemaname: tenant.schema }]);
      await client.end();
      await limited.deprovision(tenant);
      expect(await h.roleCount(tenant.username)).toBe(0);
      expect(
        mode === 'DATABASE'
          ? await h.databaseOwner(tenant.database)
          : await h.schemaOwner(tenant.database, tenant.schema),
      ).toBeUndefined();
    }
  });
});
