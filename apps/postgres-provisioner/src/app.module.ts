import { platformEventCatalog } from '@enclave/contracts';
import { ProductCatalogModule } from '@enclave/lifecycle';
import { KafkaReadinessProbe, MessagingModule, messagingOptionsFrom } from '@enclave/messaging';
import { SecretStoreModule, SecretStoreReadinessProbe } from '@enclave/secret-store';
import { HealthModule, PostgresReadinessProbe, ServiceKitModule } from '@enclave/service-kit';
import { DynamicModule, Module } from '@nestjs/common';
import { PostgresProvisionerConfig } from './config/postgres-provisioner.config';
import { CredentialsIssuedHandler } from './handlers/credentials-issued.handler';
import { ServiceDeprovisionRequestedHandler } from './handlers/service-deprovision-requested.handler';
import { TenantPostgresReadinessProbe } from './health/tenant-postgres.readiness-probe';
import { PostgresStageUseCase } from './provisioning/postgres-stage.use-case';
import { PostgresTenantProvisioner } from './provisioning/postgres-tenant.provisioner';

export const SERVICE = 'postgres-provisioner';

@Module({})
export class AppModule {
  static register(config: PostgresProvisionerConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        ServiceKitModule.forRoot({ service: SERVICE, config }),
        SecretStoreModule.forRoot(config),
        MessagingModule.forRoot(messagingOptionsFrom(SERVICE, config, platformEventCatalog)),
        // The stage's own copy of the product catalog (ProductVersionPublished).
        ProductCatalogModule.forService(SERVICE),
        HealthModule.forRoot([
          PostgresReadinessProbe,
          KafkaReadinessProbe,
          SecretStoreReadinessProbe,
          TenantPostgresReadinessProbe,
        ]),
      ],
      controllers: [CredentialsIssuedHandler, ServiceDeprovisionRequestedHandler],
      providers: [
        PostgresStageUseCase,
        // The provisioner drives the server (its stage and its readiness probe share it).
        {
          provide: PostgresTenantProvisioner,
          useFactory: () => new PostgresTenantProvisioner(config.TENANT_PG_ADMIN_URL),
        },
      ],
      exports: [PostgresTenantProvisioner],
    };
  }
}
