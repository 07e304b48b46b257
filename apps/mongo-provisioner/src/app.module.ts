import { StageRuntimeModule, TenantAccessModule } from '@enclave/lifecycle';
import { DynamicModule, Module } from '@nestjs/common';
import { MongoProvisionerConfig } from './config/mongo-provisioner.config';
import { CredentialsIssuedHandler } from './handlers/credentials-issued.handler';
import { RegistrationUpgradeRequestedHandler } from './handlers/registration-upgrade-requested.handler';
import { ServiceDeprovisionRequestedHandler } from './handlers/service-deprovision-requested.handler';
import { MongoReadinessProbe } from './health/mongo.readiness-probe';
import { MongoStageUseCase } from './provisioning/mongodb-stage.use-case';
import { MongoTenantAccessEnforcer } from './provisioning/mongo-tenant-access.enforcer';
import { MongoTenantProvisioner } from './provisioning/mongo-tenant.provisioner';

export const SERVICE = 'mongo-provisioner';

@Module({})
export class AppModule {
  static register(config: MongoProvisionerConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        StageRuntimeModule.forStage({
          service: SERVICE,
          config,
          probes: [MongoReadinessProbe],
          productCatalog: true,
        }),
        // No rotation grace here: MongoDB sessions are not ended after a rotation.
        TenantAccessModule.forService(SERVICE, { enforcer: MongoTenantAccessEnforcer }),
      ],
      controllers: [
        CredentialsIssuedHandler,
        ServiceDeprovisionRequestedHandler,
        RegistrationUpgradeRequestedHandler,
      ],
      providers: [
        MongoStageUseCase,
        // The provisioner drives the server (its stage and its readiness probe share it).
        {
          provide: MongoTenantProvisioner,
          useFactory: () =>
            new MongoTenantProvisioner(config.MONGO_URL, {
              allowUnauthenticatedTenants: config.MONGO_ALLOW_UNAUTHENTICATED_TENANTS,
            }),
        },
      ],
      exports: [MongoTenantProvisioner],
    };
  }
}
