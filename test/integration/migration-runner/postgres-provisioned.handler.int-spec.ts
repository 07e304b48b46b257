import { InMemorySecretStore } from '@enclave/secret-store';
import {
  PostgresProvisioned,
  PostgresProvisionedPayload,
  tenantResourceNames,
} from '@enclave/contracts';
import { exampleCatalogIn, testInfra } from '@enclave/testing';
import { randomUUID } from 'node:crypto';
import { PostgresProvisionedHandler } from '../../../apps/migration-runner/src/handlers/postgres-provisioned.handler';
import { CreateTenantSchemaVersion1764300000000 } from '../../../apps/migration-runner/src/migrations/1764300000000-create-tenant-schema-version.migration';
import { MigrationsStageUseCase } from '../../../apps/migration-runner/src/migrations/migrations-stage.use-case';
import { TenantMigrator } from '../../../apps/migration-runner/src/migrations/tenant-migrator';
import { TenantSchemaVersionStore } from '../../../apps/migration-runner/src/migrations/tenant-schema-version.store';
import { StageHandlerHarness } from '../support/stage-handler.harness';
import { TenantLogin, TenantPostgresFixture } from './fixtures/tenant-postgres.fixture';

/** The migrations stage from PostgresProvisioned to MigrationsApplied, on real PostgreSQL. */
describe('migration-runner PostgresProvisionedHandler', () => {
  const infra = testInfra();
  const harness = new StageHandlerHarness('migration_runner', 'migration-runner');
  const tenants = new TenantPostgresFixture(infra.pgAdminUrl);
  const secrets = new InMemorySecretStore();
  let handle: PostgresProvisionedHandler['handle'];
  let tenant: TenantLogin;
  let payload: PostgresProvisionedPayload;

  beforeAll(async () => {
    await harness.setUp([CreateTenantSchemaVersion1764300000000]);
    // The stage's own catalog, on the real database, holding the example products.
    const catalog = await exampleCatalogIn(harness.dataSource, 'migration_runner');
    const handler = new PostgresProvisionedHandler(
      new MigrationsStageUseCase(
        secrets,
        tenants.endpoint,
        new TenantMigrator(),
        new TenantSchemaVersionStore(),
        catalog,
      ),
    );
    handle = handler.handle.bind(handler);
    // DATABASE mode: every name is the derived one (a SCHEMA tenant's shared database would be
    // p_ledger itself, on a server other runs share), as the stage accepts no other.
    tenant = await tenants.databaseTenant();
    const ref = await secrets.put(
      tenantResourceNames(tenant.tenantId, 'ledger', 'DATABASE').secretPath('postgres'),
      {
        username: tenant.role,
        password: tenant.password,
      },
    );
    payload = {
      tenantId: tenant.tenantId,
      registrationId: randomUUID(),
      product: 'ledger',
      isolationMode: 'DATABASE',
      database: tenant.database,
      schema: tenant.schema,
      role: tenant.role,
      credentials: ref,
      rotationId: null,
      productVersion: '1.0.0',
    };
  });

  afterAll(async () => {
    await harness.tearDown();
    await tenants.cleanUp();
  });

  const versionRows = () =>
    harness.dataSource.query(
      'SELECT registration_id, tenant_id, product, isolation_mode, database, schema, version FROM migration_runner.tenant_schema_version',
    );

  it('migrates the tenant as its own role, records the version and publishes MigrationsApplied without the secret', async () => {
    await harness.deliver(PostgresProvisioned, payload, handle);

    const { raw, envelopes } = await harness.published();
    expect(envelopes).toHaveLength(1);
    expect(envelopes[0]).toMatchObject({
      type: 'MigrationsApplied',
      payload: {
        registrationId: payload.registrationId,
        schemaVersion: 10,
        applied: expect.arrayContaining(['1-create-organizations']),
      },
    });
    expect((envelopes[0].payload as { applied: string[] }).applied).toHaveLength(10);
    expect(raw).not.toContain(tenant.password);
    expect(await versionRows()).toEqual([
      {
        registration_id: payload.registrationId,
        tenant_id: tenant.tenantId,
        product: 'ledger',
        isolation_mode: 'DATABASE',
        database: tenant.database,
        schema: tenant.schema,
        version: 10,
      },
    ]);
    const owners = await tenants.query<{ tableowner: string }>(
      tenant.database,
      'SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = $1',
      [tenant.schema],
    );
    expect(owners).toEqual([{ tableowner: tenant.role }]);
  });

  it('a repeated PostgresProvisioned applies nothing and says the tenant is at the current version', async () => {
    await harness.deliver(PostgresProvisioned, payload, handle);
    const { envelopes } = await harness.published();
    expect(envelopes.at(-1)).toMatchObject({
      type: 'MigrationsApplied',
      payload: { schemaVersion: 10, applied: [] },
    });
    expect(await versionRows()).toHaveLength(1);
  });

  it('fails the stage on the last attempt (StageFailed, no password in the reason) when the tenant cannot log in', async () => {
    // A tenant whose role and database were never made: every name derived, yet nothing there.
    const absent = `it-${randomUUID().slice(0, 8)}`;
    const names = tenantResourceNames(absent, 'ledger', 'DATABASE');
    const ref = await secrets.put(names.secretPath('postgres'), {
      username: names.pgRole,
      password: 'wrong-password-not-logged',
    });
    const other = {
      ...payload,
      tenantId: absent,
      registrationId: randomUUID(),
      credentials: ref,
      database: names.pgDatabase,
      schema: names.pgSchema,
      role: names.pgRole,
    };
    await harness.deliver(PostgresProvisioned, other, handle, { finalAttempt: true });
    const { raw, envelopes } = await harness.published();
    expect(envelopes.at(-1)).toMatchObject({
      type: 'StageFailed',
      payload: {
        registrationId: other.registrationId,
        stage: 'migrations',
        reason: expect.stringMatching(/does not exist/),
      },
    });
    expect(raw).not.toContain('wrong-password-not-logged');
  });

  it('refuses (dead letter) an event naming a database, schema, role or secret other than the derived ones', async () => {
    const published = (await harness.published()).envelopes.length;
    const rows = await versionRows();
    const victim = tenantResourceNames('victim', 'ledger', 'DATABASE');
    for (const forged of [
      { database: victim.pgDatabase },
      { schema: 'other' },
      { role: victim.pgRole },
      { credentials: { path: victim.secretPath('postgres'), version: 1 } },
    ]) {
      await expect(
        harness.deliver(
          PostgresProvisioned,
          { ...payload, registrationId: randomUUID(), ...forged },
          handle,
          { finalAttempt: true },
        ),
      ).rejects.toMatchObject({
        name: 'RefusedEventError',
        retryable: false,
        message: expect.stringMatching(/names .* expected/),
      });
    }
    expect((await harness.published()).envelopes).toHaveLength(published);
    expect(await versionRows()).toEqual(rows);
  });
});
