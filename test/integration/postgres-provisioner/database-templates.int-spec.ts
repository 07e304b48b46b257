import { Migration } from '@enclave/contracts';
import { exampleProducts } from '@enclave/product-catalog';
import { escapeLiteral, escapeIdentifier as q } from 'pg';
import { TenantMigrator } from '../../../apps/migration-runner/src/migrations/tenant-migrator';
import { PostgresTemplateDatabases } from '../../../apps/postgres-provisioner/src/provisioning/postgres-template.databases';
import { PostgresTenantProvisioner } from '../../../apps/postgres-provisioner/src/provisioning/postgres-tenant.provisioner';
import { PostgresTenantHarness, TestTenant } from './postgres-tenant.harness';

const ledger = exampleProducts.get('ledger')!.resources.postgres!.migrations;
/**
 * Beyond the ledger's tables: a view, a function, a sequence, a type, a grant to PUBLIC, a comment
 * and a trigger, so every kind of object a migration may make is compared.
 */
const extras: Migration = {
  version: ledger.at(-1)!.version + 1,
  name: 'template_extras',
  sql: `
    CREATE TYPE entry_kind AS ENUM ('debit', 'credit');
    CREATE SEQUENCE ticket_seq START 100;
    CREATE TABLE tickets (id bigint PRIMARY KEY DEFAULT nextval('ticket_seq'), kind entry_kind NOT NULL,
                          note text CHECK (length(note) < 200), at timestamptz DEFAULT now());
    ALTER SEQUENCE ticket_seq OWNED BY tickets.id;
    CREATE UNIQUE INDEX tickets_note_idx ON tickets (lower(note)) WHERE note IS NOT NULL;
    CREATE VIEW recent_tickets AS SELECT id, kind FROM tickets WHERE at > now() - interval '1 day';
    CREATE FUNCTION touch_ticket() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.at := now(); RETURN NEW; END $$;
    CREATE TRIGGER tickets_touch BEFORE UPDATE ON tickets FOR EACH ROW EXECUTE FUNCTION touch_ticket();
    GRANT SELECT ON recent_tickets TO PUBLIC;
    COMMENT ON TABLE tickets IS 'support tickets';
  `,
};
const v1 = [...ledger, extras];
const v2: Migration[] = [
  ...v1,
  {
    version: extras.version + 1,
    name: 'ticket_owner',
    sql: 'ALTER TABLE tickets ADD COLUMN owner text; CREATE INDEX tickets_owner_idx ON tickets (owner);',
  },
];

/**
 * Everything a tenant's database holds that a product can see or depend on, with the tenant's role
 * written as TENANT: schemas, relations, columns, indexes, constraints, sequences, types, functions,
 * views, triggers, comments, owners, privileges, default privileges, and the migration records
 * (without their timestamps).
 */
const CATALOG = `
  WITH r AS (SELECT $1::text AS tenant)
  SELECT 'schema ' || n.nspname || ' owner=' || pg_get_userbyid(n.nspowner) || ' acl=' || coalesce(n.nspacl::text, '-')
    FROM pg_namespace n WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
  UNION ALL
  SELECT 'rel ' || c.relname || ' kind=' || c.relkind::text || ' owner=' || pg_get_userbyid(c.relowner)
         || ' acl=' || coalesce(c.relacl::text, '-') || ' comment=' || coalesce(obj_description(c.oid, 'pg_class'), '-')
         || ' persistence=' || c.relpersistence::text
    FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
         || ' notnull=' || a.attnotnull || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '-')
         || ' identity=' || a.attidentity::text || ' num=' || a.attnum
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
  UNION ALL
  SELECT 'constraint ' || conrelid::regclass::text || '.' || conname || ' ' || pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'sequence ' || s.seqrelid::regclass::text || ' start=' || s.seqstart || ' owned_by=' ||
         coalesce((SELECT refobjid::regclass::text || '.' || refobjsubid FROM pg_depend
                    WHERE classid = 'pg_class'::regclass AND objid = s.seqrelid AND deptype IN ('a', 'i')), '-')
    FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'type ' || t.typname || ' owner=' || pg_get_userbyid(t.typowner) || ' acl=' || coalesce(t.typacl::text, '-')
    FROM pg_type t WHERE t.typnamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'function ' || p.proname || ' owner=' || pg_get_userbyid(p.proowner) || ' acl=' || coalesce(p.proacl::text, '-')
         || ' ' || pg_get_functiondef(p.oid)
    FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'view ' || viewname || ' owner=' || viewowner || ' ' || definition FROM pg_views WHERE schemaname = 'public'
  UNION ALL
  SELECT 'trigger ' || tgname || ' ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
  UNION ALL
  SELECT 'default-acl ' || defaclrole::regrole::text || ' ' || defaclobjtype::text || ' ' || defaclacl::text FROM pg_default_acl
  UNION ALL
  SELECT 'owned-by-template-owner ' || count(*) FROM pg_shdepend d
    JOIN pg_database db ON db.oid = d.dbid AND db.datname = current_database()
   WHERE d.refobjid = (SELECT oid FROM pg_roles WHERE rolname = $2)
  UNION ALL
  SELECT 'migration ' || version || ' ' || name || ' ' || checksum FROM public.enclave_schema_migrations
  UNION ALL
  SELECT 'role-setting ' || array_to_string(s.setconfig, ',') FROM pg_db_role_setting s
   WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
  UNION ALL
  SELECT 'database acl=' || coalesce(datacl::text, '-') || ' owner=' || pg_get_userbyid(datdba) || ' allowconn=' || datallowconn
    FROM pg_database WHERE datname = current_database()`;

/**
 * DATABASE-mode tenants copied from a template database at the product version, against tenants
 * created empty and migrated by the migration-runner's TenantMigrator: the same catalog. Run as a
 * non-superuser admin with only CREATEROLE and CREATEDB, as the provisioner runs in production.
 */
describe('PostgresTenantProvisioner with template databases (real PostgreSQL)', () => {
  // Each test creates several databases (CREATE DATABASE takes 0.2–1 s on a busy shared server).
  jest.setTimeout(60_000);
  const h = new PostgresTenantHarness();
  const migrator = new TenantMigrator();
  const adminRole = `it_tpl_admin_${Math.random().toString(36).slice(2, 10)}`;
  let templated: PostgresTenantProvisioner;
  let plain: PostgresTenantProvisioner;

  const provision = (p: PostgresTenantProvisioner, t: TestTenant, migrations: Migration[]) =>
    p.provision({ ...t, template: { productVersion: `1.0.${migrations.length}`, migrations } });
  const migrate = (t: TestTenant, migrations: Migration[]) =>
    migrator.migrate({
      connectionString: h.url(t.database, t.username, t.password),
      schema: 'public',
      migrations,
    });
  const catalogOf = async (t: TestTenant) =>
    (
      await h.admin<{ line: string }>(t.database, `SELECT x AS line FROM (${CATALOG}) c(x)`, [
        t.username,
        PostgresTemplateDatabases.ownerOf(adminRole),
      ])
    )
      .map((r) => r.line.split(t.username).join('TENANT'))
      .sort();
  const templates = () =>
    h.admin<{ datname: string; owner: string; datallowconn: boolean; marker: string }>(
      'postgres',
      `SELECT datname, pg_get_userbyid(datdba) AS owner, datallowconn, shobj_description(oid, 'pg_database') AS marker
         FROM pg_database WHERE shobj_description(oid, 'pg_database') LIKE $1 ORDER BY datname`,
      [`enclave:postgres-template product=${h.product} %`],
    );

  beforeAll(async () => {
    // The suite's server checks passwords (scram-sha-256): the limited admin logs in with one.
    const adminPassword = PostgresTenantHarness.password();
    await h.admin(
      'postgres',
      `CREATE ROLE ${q(adminRole)} LOGIN CREATEROLE CREATEDB PASSWORD ${escapeLiteral(adminPassword)}`,
    );
    // The maintenance database may be closed to PUBLIC (a least-privilege server).
    await h.admin('postgres', `GRANT CONNECT ON DATABASE postgres TO ${q(adminRole)}`);
    templated = new PostgresTenantProvisioner(h.url('postgres', adminRole, adminPassword));
    plain = new PostgresTenantProvisioner(h.url('postgres', adminRole, adminPassword), {
      databaseTemplates: false,
    });
    await h.recordExercised();
  });

  afterAll(async () => {
    // Tenants first (the harness deprovisions them), then what the limited admin owns.
    await h.tearDown().catch((e) => console.error(e));
    await templated.dropTemplates(h.product);
    await templated.dropTemplates(`${h.product}-b`);
    await templated.close();
    // Whatever a failed run left: every database the limited admin owns.
    for (const { datname } of await h.admin<{ datname: string }>(
      'postgres',
      'SELECT datname FROM pg_database WHERE datdba = $1::regrole',
      [adminRole],
    ))
      await h.admin('postgres', `DROP DATABASE ${q(datname)} WITH (FORCE)`);
    await plain.close();
    await h.admin('postgres', `DROP OWNED BY ${q(adminRole)}`);
    await h.admin('postgres', `DROP ROLE IF EXISTS ${q(adminRole)}`);
    // The template owner owns nothing once the templates are gone.
    await h.admin(
      'postgres',
      `DROP ROLE IF EXISTS ${q(PostgresTemplateDatabases.ownerOf(adminRole))}`,
    );
  });

  it('a copied database is at the version already, and its catalog is the migrated one’s', async () => {
    const copy = h.tenant('DATABASE');
    const migrated = h.tenant('DATABASE');
    await provision(templated, copy, v1);
    await provision(plain, migrated, v1);

    // The migration-runner finds every migration recorded in the copy and applies nothing.
    expect(await migrate(copy, v1)).toEqual({ schemaVersion: extras.version, applied: [] });
    expect((await migrate(migrated, v1)).applied).toHaveLength(v1.length);

    const copyCatalog = await catalogOf(copy);
    expect(copyCatalog).toEqual(await catalogOf(migrated));
    expect(copyCatalog).toEqual(
      expect.arrayContaining(['schema public owner=TENANT acl=-', 'owned-by-template-owner 0']),
    );
    expect(copyCatalog.length).toBeGreaterThan(100);
    expect(copyCatalog.filter((l) => l.startsWith('migration '))).toHaveLength(v1.length);
    expect(
      copyCatalog.some((l) => l.startsWith('rel tickets ') && l.includes('owner=TENANT')),
    ).toBe(true);

    // One template, owned by the provisioner's role, closed to connections, marked ready.
    expect(await templates()).toEqual([
      {
        datname: PostgresTemplateDatabases.nameOf(adminRole, {
          product: h.product,
          migrations: v1,
        }),
        owner: adminRole,
        datallowconn: false,
        marker: expect.stringMatching(/ schema=\d+ ready$/),
      },
    ]);

    // The tenant's role works in its copy like in any database of its own.
    const client = await h.connectAs(copy.username, copy.password, copy.database);
    await client.query("INSERT INTO tickets (kind, note) VALUES ('debit', 'first')");
    await client.query("UPDATE tickets SET note = 'changed'");
    expect((await client.query('SELECT id, kind FROM recent_tickets')).rows).toEqual([
      { id: '100', kind: 'debit' },
    ]);
    await client.end();
  });

  it('many new tenants at once share one template build; re-runs converge', async () => {
    const batch = Array.from({ length: 4 }, () => h.tenant('DATABASE'));
    await Promise.all(batch.map((t) => provision(templated, t, v1)));
    await provision(templated, batch[0], v1); // again: nothing changes
    for (const t of batch) {
      expect(await h.databaseOwner(t.database)).toBe(t.username);
      expect(await migrate(t, v1)).toEqual({ schemaVersion: extras.version, applied: [] });
    }
    expect(await templates()).toHaveLength(1);
  });

  it('a new version gets a new template and the old one goes; copies at the old version upgrade', async () => {
    const old = h.tenant('DATABASE');
    await provision(templated, old, v1);
    const fresh = h.tenant('DATABASE');
    await provision(templated, fresh, v2);
    expect((await templates()).map((t) => t.datname)).toEqual([
      PostgresTemplateDatabases.nameOf(adminRole, { product: h.product, migrations: v2 }),
    ]);
    expect(await migrate(fresh, v2)).toEqual({ schemaVersion: v2.at(-1)!.version, applied: [] });
    // A rollout of the tenant copied at v1: the tenant's role owns what the template made.
    expect((await migrate(old, v2)).applied).toEqual([`${v2.at(-1)!.version}-ticket_owner`]);
    expect(await catalogOf(old)).toEqual(await catalogOf(fresh));

    // A registration made to the older version now is provisioned the ordinary way.
    const late = h.tenant('DATABASE');
    await provision(templated, late, v1);
    expect((await migrate(late, v1)).applied).toHaveLength(v1.length);
    expect(await templates()).toHaveLength(1);
  });

  it('a template whose migrations fail is not used: the database is made empty, the migration fails as usual', async () => {
    const broken: Migration[] = [{ version: 1, name: 'broken', sql: 'CREATE TABLE x (' }];
    const t = h.tenant('DATABASE', PostgresTenantHarness.tenantId(), `${h.product}-b`);
    await provision(templated, t, broken);
    expect(await h.databaseOwner(t.database)).toBe(t.username);
    const tables = await h.admin(t.database, "SELECT 1 FROM pg_tables WHERE schemaname = 'public'");
    expect(tables).toEqual([]);
    await expect(migrate(t, broken)).rejects.toThrow(/migration 1-broken failed/);
    const left = await h.admin(
      'postgres',
      "SELECT 1 FROM pg_database WHERE datname LIKE 'enclave\\_tpl\\_' || $1 || '%'",
      [`${h.product}_b`],
    );
    expect(left).toEqual([]);
  });

  it('offboarding a copy leaves nothing of it, and the template stays for the next tenant', async () => {
    const t = h.tenant('DATABASE');
    await provision(templated, t, v2);
    await templated.deprovision(t);
    expect(await h.databaseOwner(t.database)).toBeUndefined();
    expect(await h.roleCount(t.username)).toBe(0);
    expect(await templates()).toHaveLength(1);
  });
});
