import {
  RegistrationLimitsModule,
  StageRuntimeModule,
  TenantAccessModule,
} from '@enclave/lifecycle';
import { DynamicModule, Module } from '@nestjs/common';
import { PostgresProvisionerConfig } from './config/postgres-provisioner.config';
import { CredentialsIssuedHandler } from './handlers/credentials-issued.handler';
import { RegistrationLimitsChangedHandler } from './handlers/registration-limits-changed.handler';
import { ServiceRegisteredHandler } from './handlers/service-registered.handler';
import { ServiceDeprovisionRequestedHandler } from './handlers/service-deprovision-requested.handler';
import { TenantPostgresReadinessProbe } from './health/tenant-postgres.readiness-probe';
import { PostgresStageUseCase } from './provisioning/postgres-stage.use-case';
import { PostgresTenantAccessEnforcer } from './provisioning/postgres-tenant-access.enforcer';
import { PostgresTenantProvisioner } from './provisioning/postgres-tenant.provisioner';

export const SERVICE = 'postgres-provisioner';

@Module({})
export class AppModule {
  static register(config: PostgresProvisionerConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        StageRuntimeModule.forStage({
          service: SERVICE,
          config,
          probes: [TenantPostgresReadinessProbe],
          productCatalog: true,
        }),
        TenantAccessModule.forService(SERVICE, {
          enforcer: PostgresTenantAccessEnforcer,
          rotationGraceSeconds: config.ROTATION_GRACE_SECONDS,
        }),
        RegistrationLimitsModule.forService(SERVICE),
      ],
      controllers: [
        CredentialsIssuedHandler,
        ServiceDeprovisionRequestedHandler,
        ServiceRegisteredHandler,
        RegistrationLimitsChangedHandler,
      ],
      providers: [
        PostgresStageUseCase,
        // The provisioner drives the server (its stage and its readiness probe share it).
        {
          provide: PostgresTenantProvisioner,
          useFactory: () =>
            new PostgresTenantProvisioner(config.TENANT_PG_ADMIN_URL, {
              databaseTemplates: config.TENANT_PG_DATABASE_TEMPLATES === 'true',
            }),
        },
      ],
      exports: [PostgresTenantProvisioner],
    };
  }
}
