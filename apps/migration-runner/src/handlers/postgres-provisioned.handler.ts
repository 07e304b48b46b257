import { EventOf, MigrationsApplied, PostgresProvisioned } from '@enclave/contracts';
import { PermanentStageError, runStage, readTenantCredential } from '@enclave/lifecycle';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { productCatalog } from '@enclave/product-catalog';
import { SECRET_STORE, SecretStore } from '@enclave/secret-store';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { TenantMigrator } from '../migrations/tenant-migrator';
import { TenantPostgresEndpoint } from '../migrations/tenant-postgres.endpoint';
import { TenantSchemaVersionStore } from '../migrations/tenant-schema-version.store';

/**
 * The migrations stage: once the tenant's database or schema exists, bring it to the product's
 * current schema version, connected as the tenant's own role (password from the vault, never logged
 * or published), record the version and say so.
 */
@Controller()
export class PostgresProvisionedHandler {
  constructor(
    @Inject(SECRET_STORE) private readonly secrets: SecretStore,
    private readonly endpoint: TenantPostgresEndpoint,
    private readonly migrator: TenantMigrator,
    private readonly versions: TenantSchemaVersionStore,
  ) {}

  @HandlesEvent(PostgresProvisioned)
  async handle(
    @Payload() event: EventOf<typeof PostgresProvisioned>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const provisioned = event.payload;
    await runStage(ctx, 'migrations', provisioned, async () => {
      const migrations = productCatalog.get(provisioned.product)?.resources.postgres?.migrations;
      if (!migrations)
        throw new PermanentStageError(
          `product ${provisioned.product} declares no PostgreSQL migrations`,
        );
      const { username, password } = await readTenantCredential(
        this.secrets,
        provisioned,
        'postgres',
        provisioned.credentials,
      );
      if (username !== provisioned.role) {
        throw new PermanentStageError(
          `the PostgreSQL secret ${provisioned.credentials.path} names role ${username}, not ${provisioned.role}`,
        );
      }
      const result = await this.migrator.migrate({
        connectionString: this.endpoint.connectionString({
          user: provisioned.role,
          password,
          database: provisioned.database,
        }),
        schema: provisioned.schema,
        migrations,
      });
      const registration = {
        tenantId: provisioned.tenantId,
        registrationId: provisioned.registrationId,
        product: provisioned.product,
        isolationMode: provisioned.isolationMode,
      };
      await this.versions.record(ctx.tx, {
        ...registration,
        database: provisioned.database,
        schema: provisioned.schema,
        version: result.schemaVersion,
      });
      await ctx.publish(MigrationsApplied, {
        ...registration,
        schemaVersion: result.schemaVersion,
        applied: result.applied,
      });
    });
  }
}
