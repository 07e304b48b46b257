import { platformEventCatalog } from '@enclave/contracts';
import { ProductCatalogModule } from '@enclave/lifecycle';
import { KafkaReadinessProbe, MessagingModule, messagingOptionsFrom } from '@enclave/messaging';
import { SecretStoreModule, SecretStoreReadinessProbe } from '@enclave/secret-store';
import { HealthModule, PostgresReadinessProbe, ServiceKitModule } from '@enclave/service-kit';
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
        ServiceKitModule.forRoot({
          service: SERVICE,
          config,
          migrations: [CreateTenantSchemaVersion1764300000000],
        }),
        SecretStoreModule.forRoot(config),
        MessagingModule.forRoot(messagingOptionsFrom(SERVICE, config, platformEventCatalog)),
        // The stage's own copy of the product catalog (ProductVersionPublished).
        ProductCatalogModule.forService(SERVICE),
        HealthModule.forRoot([
          PostgresReadinessProbe,
          KafkaReadinessProbe,
          SecretStoreReadinessProbe,
        ]),
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
