import { PermanentStageError } from '@enclave/lifecycle';
import { Migration } from '@enclave/contracts';
import { exampleProducts } from '@enclave/product-catalog';
import { TestDatabase, createTestDatabase, recordExercised, testInfra } from '@enclave/testing';
import { TenantMigrator } from '../../../apps/migration-runner/src/migrations/tenant-migrator';
import { TenantLogin, TenantPostgresFixture } from './fixtures/tenant-postgres.fixture';

const ledger = exampleProducts.get('ledger')!.resources.postgres!.migrations;
const LEDGER_TABLES = [
  'accounts',
  'assets',
  'audit_log',
  'balances',
  'enclave_schema_migrations',
  'entries',
  'ledgers',
  'limits',
  'organizations',
  'rules',
  'transactions',
];
const labels = (migrations: readonly Migration[]) =>
  migrations.map((m) => `${m.version}-${m.name}`);

/** TenantMigrator on real PostgreSQL, connected as each tenant's own login role. */
describe('TenantMigrator', () => {
  const infra = testInfra();
  const tenants = new TenantPostgresFixture(infra.pgAdminUrl);
  const migrator = new TenantMigrator();
  let shared: TestDatabase;
  let tenantA: TenantLogin;

  const migrate = (t: TenantLogin, migrations: readonly Migration[] = ledger) =>
    migrator.migrate({ connectionString: t.connectionString, schema: t.schema, migrations });
  const tables = (t: TenantLogin) =>
    tenants.query<{ schemaname: string; tablename: string; tableowner: string }>(
      t.database,
      `SELECT schemaname, tablename, tableowner FROM pg_tables
        WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND (schemaname = $1 OR tableowner = $2 OR schemaname = 'public')
        ORDER BY tablename`,
      [t.schema, t.role],
    );
  const versions = (t: TenantLogin) =>
    tenants.query<{ version: number; name: string }>(
      t.database,
      `SELECT version, name FROM "${t.schema}".enclave_schema_migrations ORDER BY version`,
    );

  beforeAll(async () => {
    // SCHEMA mode: the product's shared database, one schema per tenant.
    shared = await createTestDatabase(infra.pgAdminUrl, 'p_ledger');
    tenantA = await tenants.schemaTenant(shared.name);
  });

  afterAll(async () => {
    await shared?.drop();
    await tenants.cleanUp();
  });

  it('SCHEMA mode: applies the ledger’s 10 migrations into the tenant’s schema only, owned by the tenant role', async () => {
    const started = performance.now();
    const result = await migrate(tenantA);
    console.log(
      `TenantMigrator.migrate: 10 ledger migrations (SCHEMA mode, fresh tenant) in ${(performance.now() - started).toFixed(1)} ms`,
    );

    expect(result).toEqual({ schemaVersion: 10, applied: labels(ledger) });
    expect(await tables(tenantA)).toEqual(
      LEDGER_TABLES.map((tablename) => ({
        schemaname: tenantA.schema,
        tablename,
        tableowner: tenantA.role,
      })),
    );
    expect(await versions(tenantA)).toEqual(
      ledger.map((m) => ({ version: m.version, name: m.name })),
    );
    // A fresh tenant gets all of them in one transaction: every record has its one now().
    const commits = await tenants.query<{ n: number }>(
      tenantA.database,
      `SELECT count(DISTINCT applied_at)::int AS n FROM "${tenantA.schema}".enclave_schema_migrations`,
    );
    expect(commits).toEqual([{ n: 1 }]);
    recordExercised(
      'PostgreSQL',
      'tenant migrations (umzug) as the tenant role, SCHEMA and DATABASE mode',
    );
  });

  it('running again applies nothing', async () => {
    const started = performance.now();
    expect(await migrate(tenantA)).toEqual({ schemaVersion: 10, applied: [] });
    console.log(
      `TenantMigrator.migrate: up-to-date tenant checked in ${(performance.now() - started).toFixed(1)} ms`,
    );
    expect(await versions(tenantA)).toHaveLength(10);
  });

  it('concurrent runs for one tenant apply each migration once; each tenant keeps its own version record', async () => {
    const tenantB = await tenants.schemaTenant(shared.name);
    const results = await Promise.all([migrate(tenantB), migrate(tenantB), migrate(tenantB)]);
    expect(results.map((r) => r.schemaVersion)).toEqual([10, 10, 10]);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(labels(ledger).sort());
    expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1);
    expect(await versions(tenantB)).toHaveLength(10);
    expect(await versions(tenantA)).toHaveLength(10);
    expect(
      (await tables(tenantB)).every(
        (t) => t.schemaname === tenantB.schema && t.tableowner === tenantB.role,
      ),
    ).toBe(true);
  });

  it('DATABASE mode: applies them into the tenant’s own database, owned by the tenant role', async () => {
    const tenant = await tenants.databaseTenant();
    expect(tenant.schema).toBe('public');
    const started = performance.now();
    expect(await migrate(tenant)).toEqual({ schemaVersion: 10, applied: labels(ledger) });
    console.log(
      `TenantMigrator.migrate: 10 ledger migrations (DATABASE mode, fresh tenant) in ${(performance.now() - started).toFixed(1)} ms`,
    );
    expect(await tables(tenant)).toEqual(
      LEDGER_TABLES.map((tablename) => ({
        schemaname: 'public',
        tablename,
        tableowner: tenant.role,
      })),
    );
    expect(await migrate(tenant)).toEqual({ schemaVersion: 10, applied: [] });
  });

  it('a failing migration leaves no partial table and no record, says why, and a fixed manifest then converges', async () => {
    const tenant = await tenants.schemaTenant(shared.name);
    const broken: Migration[] = [
      { version: 1, name: 'create-first', sql: 'CREATE TABLE first (id int PRIMARY KEY);' },
      {
        version: 2,
        name: 'create-half',
        sql: 'CREATE TABLE half (id int); INSERT INTO missing_table VALUES (1);',
      },
      { version: 3, name: 'create-third', sql: 'CREATE TABLE third (id int);' },
    ];
    const error = await migrate(tenant, broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentStageError);
    expect((error as Error).message).toMatch(
      /migration 2-create-half failed in schema t_it_\w+: relation "missing_table" does not exist \(SQLSTATE 42P01\)/,
    );
    expect((await tables(tenant)).map((t) => t.tablename)).toEqual([
      'enclave_schema_migrations',
      'first',
    ]);
    expect(await versions(tenant)).toEqual([{ version: 1, name: 'create-first' }]);

    const fixed = broken.map((m) =>
      m.version === 2 ? { ...m, sql: 'CREATE TABLE half (id int);' } : m,
    );
    expect(await migrate(tenant, fixed)).toEqual({
      schemaVersion: 3,
      applied: ['2-create-half', '3-create-third'],
    });
    expect((await tables(tenant)).map((t) => t.tablename)).toEqual([
      'enclave_schema_migrations',
      'first',
      'half',
      'third',
    ]);
  });

  it('a migration cannot create outside the tenant’s schema: the tenant role may not', async () => {
    const tenant = await tenants.schemaTenant(shared.name);
    const escape: Migration[] = [
      { version: 1, name: 'escape', sql: 'CREATE TABLE public.escaped (id int);' },
    ];
    await expect(migrate(tenant, escape)).rejects.toThrow(
      /permission denied for schema public \(SQLSTATE 42501\)/,
    );
    expect((await tables(tenant)).map((t) => `${t.schemaname}.${t.tablename}`)).toEqual([
      `${tenant.schema}.enclave_schema_migrations`,
    ]);
  });

  it('refuses, as permanent, a released migration whose SQL changed or whose record was tampered with', async () => {
    const edited = ledger.map((m) =>
      m.version === 3 ? { ...m, sql: m.sql.replace('18', '20') } : m,
    );
    const next: Migration = {
      version: 11,
      name: 'create-next',
      sql: 'CREATE TABLE next (id int);',
    };
    const error = await migrate(tenantA, [...edited, next]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentStageError);
    expect((error as Error).message).toMatch(
      /migration 3-create-assets changed after it was applied/,
    );
    expect(await versions(tenantA)).toHaveLength(10);

    await tenants.query(
      tenantA.database,
      `UPDATE "${tenantA.schema}".enclave_schema_migrations SET checksum = 'tampered' WHERE version = 7`,
    );
    await expect(migrate(tenantA)).rejects.toThrow(PermanentStageError);
    await expect(migrate(tenantA)).rejects.toThrow(/7-create-entries changed after it was applied/);
  });

  it('refuses a manifest that inserts a migration below the tenant’s version, or lacks one the tenant has', async () => {
    const tenant = await tenants.schemaTenant(shared.name);
    await migrate(tenant, [{ version: 2, name: 'two', sql: 'CREATE TABLE two (id int);' }]);
    await expect(
      migrate(tenant, [
        { version: 1, name: 'one', sql: 'CREATE TABLE one (id int);' },
        { version: 2, name: 'two', sql: 'CREATE TABLE two (id int);' },
      ]),
    ).rejects.toThrow(/1-one is older than schema t_it_\w+'s version 2/);
    await expect(migrate(tenant, [{ version: 1, name: 'one', sql: 'SELECT 1;' }])).rejects.toThrow(
      /2-two applied, which the product manifest does not declare/,
    );
  });
});
