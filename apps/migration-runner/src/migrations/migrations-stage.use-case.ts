import {
  MigrationsApplied,
  PostgresProvisionedPayload,
  RegistrationUpgradeRequestedPayload,
  ServiceDeprovisionRequestedPayload,
  tenantResourceNames,
} from '@enclave/contracts';
import {
  PermanentStageError,
  ProductVersionStore,
  readTenantCredential,
  releaseStage,
  runStage,
  runUpgrade,
} from '@enclave/lifecycle';
import { EventContext, RefusedEventError } from '@enclave/messaging';
import { SECRET_STORE, SecretStore } from '@enclave/secret-store';
import { Inject, Injectable } from '@nestjs/common';
import { TenantMigrator } from './tenant-migrator';
import { TenantPostgresEndpoint } from './tenant-postgres.endpoint';
import { TenantSchemaVersionStore } from './tenant-schema-version.store';

/**
 * The migrations stage: once the tenant's database or schema exists, bring it to the schema version
 * of the product version it is made to, connected as the tenant's own role (password from the vault, never logged
 * or published), record the version and say so. At offboarding the schema goes with the PostgreSQL
 * stage; what is left here is the record of its version, which must not outlive it.
 */
@Injectable()
export class MigrationsStageUseCase {
  constructor(
    @Inject(SECRET_STORE) private readonly secrets: SecretStore,
    private readonly endpoint: TenantPostgresEndpoint,
    private readonly migrator: TenantMigrator,
    private readonly versions: TenantSchemaVersionStore,
    private readonly catalog: ProductVersionStore,
  ) {}

  async apply(ctx: EventContext, provisioned: PostgresProvisionedPayload): Promise<void> {
    refuseUnderivedNames(provisioned);
    await runStage(ctx, 'migrations', provisioned, async () => {
      const { schemaVersion, applied } = await this.migrate(provisioned);
      const { tenantId, registrationId, product, isolationMode, database, schema } = provisioned;
      const registration = { tenantId, registrationId, product, isolationMode };
      await this.versions.record(ctx.tx, {
        ...registration,
        database,
        schema,
        version: schemaVersion,
      });
      await ctx.publish(MigrationsApplied, { ...registration, schemaVersion, applied });
    });
  }

  /**
   * A rollout: the migrations the new version appends, as the tenant's role. Applied ones are
   * skipped, each migration is its own transaction, so a failure leaves the tenant whole at the
   * last migration it had.
   */
  async upgrade(ctx: EventContext, request: RegistrationUpgradeRequestedPayload): Promise<void> {
    if (!request.resources.includes('postgres')) return;
    await runUpgrade(ctx, 'migrations', request, async () => {
      const ref = request.credentials.postgres;
      if (!ref) throw new PermanentStageError('no PostgreSQL credential in force');
      const { tenantId, registrationId, product, isolationMode, toVersion } = request;
      const names = tenantResourceNames(tenantId, product, isolationMode);
      const target = { database: names.pgDatabase, schema: names.pgSchema, role: names.pgRole };
      const { schemaVersion, applied } = await this.migrate({
        ...request,
        ...target,
        productVersion: toVersion,
        credentials: ref,
      });
      await this.versions.record(ctx.tx, {
        ...{ tenantId, registrationId, product, isolationMode },
        database: target.database,
        schema: target.schema,
        version: schemaVersion,
      });
      return applied;
    });
  }

  async release(ctx: EventContext, request: ServiceDeprovisionRequestedPayload): Promise<void> {
    // The stage runs where PostgreSQL is used, so releaseStage skips it where it never ran.
    await releaseStage(ctx, 'migrations', request, this.secrets, () =>
      this.versions.forget(ctx.tx, request.registrationId),
    );
  }

  /** Runs the product's migrations as the tenant's role, which must be the one PostgreSQL made. */
  private async migrate(
    provisioned: Pick<
      PostgresProvisionedPayload,
      | 'tenantId'
      | 'registrationId'
      | 'product'
      | 'isolationMode'
      | 'productVersion'
      | 'credentials'
      | 'role'
      | 'database'
      | 'schema'
    >,
  ) {
    const { product, productVersion, credentials, role, database, schema } = provisioned;
    // The migration-runner's own copy of the catalog, at the version the registration is made to.
    const manifest = await this.catalog.manifest(product, productVersion);
    const migrations = manifest.resources.postgres?.migrations;
    if (!migrations) {
      throw new PermanentStageError(`product ${product} declares no PostgreSQL migrations`);
    }
    const login = await readTenantCredential(this.secrets, provisioned, 'postgres', credentials);
    if (login.username !== role) {
      throw new PermanentStageError(
        `the PostgreSQL secret ${credentials.path} names role ${login.username}, not ${role}`,
      );
    }
    const connectionString = this.endpoint.connectionString({
      user: role,
      password: login.password,
      database,
    });
    return this.migrator.migrate({ connectionString, schema, migrations });
  }
}

/**
 * The database, schema, role and secret path a PostgresProvisioned names must be the ones derived
 * for its (tenant, product, mode): a forged or corrupt event naming another tenant's is refused
 * (dead-lettered with the cause) before anything is read or run, and fails no stage.
 */
function refuseUnderivedNames(provisioned: PostgresProvisionedPayload): void {
  const names = tenantResourceNames(
    provisioned.tenantId,
    provisioned.product,
    provisioned.isolationMode,
  );
  const expected = {
    database: names.pgDatabase,
    schema: names.pgSchema,
    role: names.pgRole,
    'credentials path': names.secretPath('postgres'),
  };
  const named = { ...provisioned, 'credentials path': provisioned.credentials.path };
  for (const [field, name] of Object.entries(expected) as [keyof typeof expected, string][]) {
    if (named[field] !== name) {
      throw new RefusedEventError(
        `PostgresProvisioned for ${provisioned.product} of tenant ${provisioned.tenantId} names ${field} ${String(named[field])}, expected ${name}`,
      );
    }
  }
}
