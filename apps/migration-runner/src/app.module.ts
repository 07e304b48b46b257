import { StageRuntimeModule } from '@enclave/lifecycle';
import { DynamicModule, Module } from '@nestjs/common';
import { MigrationRunnerConfig } from './config/migration-runner.config';
import { PostgresProvisionedHandler } from './handlers/postgres-provisioned.handler';
import { RegistrationUpgradeRequestedHandler } from './handlers/registration-upgrade-requested.handler';
import { ServiceDeprovisionRequestedHandler } from './handlers/service-deprovision-requested.handler';
import { CreateTenantSchemaVersion1764300000000 } from './migrations/1764300000000-create-tenant-schema-version.migration';
import { MigrationsStageUseCase } from './migrations/migrations-stage.use-case';
import { TenantMigrator } from './migrations/tenant-migrator';
import { TenantPostgresEndpoint } from './migrations/tenant-postgres.endpoint';
import { TenantSchemaVersionStore } from './migrations/tenant-schema-version.store';

export const SERVICE = 'migration-runner';

@Module({})
export class AppModule {
  static register(config: MigrationRunnerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        StageRuntimeModule.forStage({
          service: SERVICE,
          config,
          migrations: [CreateTenantSchemaVersion1764300000000],
          productCatalog: true,
        }),
      ],
      controllers: [
        PostgresProvisionedHandler,
        ServiceDeprovisionRequestedHandler,
        RegistrationUpgradeRequestedHandler,
      ],
      providers: [
        MigrationsStageUseCase,
        TenantMigrator,
        TenantSchemaVersionStore,
        {
          provide: TenantPostgresEndpoint,
          useValue: new TenantPostgresEndpoint(config.TENANT_PG_URL),
        },
      ],
    };
  }
}
