import {
  RegistrationLimitsModule,
  StageRuntimeModule,
  TenantAccessModule,
} from '@enclave/lifecycle';
import { DynamicModule, Module } from '@nestjs/common';
import { BrokerProvisionerConfig } from './config/broker-provisioner.config';
import { CredentialsIssuedHandler } from './handlers/credentials-issued.handler';
import { RegistrationUpgradeRequestedHandler } from './handlers/registration-upgrade-requested.handler';
import { RegistrationLimitsChangedHandler } from './handlers/registration-limits-changed.handler';
import { ServiceRegisteredHandler } from './handlers/service-registered.handler';
import { ServiceDeprovisionRequestedHandler } from './handlers/service-deprovision-requested.handler';
import { RabbitMqReadinessProbe } from './health/rabbitmq.readiness-probe';
import { RabbitMqStageUseCase } from './provisioning/rabbitmq-stage.use-case';
import { RabbitMqTenantAccessEnforcer } from './provisioning/rabbitmq-tenant-access.enforcer';
import { RabbitMqTenantProvisioner } from './provisioning/rabbitmq-tenant.provisioner';

export const SERVICE = 'broker-provisioner';

@Module({})
export class AppModule {
  static register(config: BrokerProvisionerConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        StageRuntimeModule.forStage({
          service: SERVICE,
          config,
          probes: [RabbitMqReadinessProbe],
          productCatalog: true,
        }),
        TenantAccessModule.forService(SERVICE, {
          enforcer: RabbitMqTenantAccessEnforcer,
          rotationGraceSeconds: config.ROTATION_GRACE_SECONDS,
        }),
        RegistrationLimitsModule.forService(SERVICE),
      ],
      controllers: [
        CredentialsIssuedHandler,
        ServiceDeprovisionRequestedHandler,
        ServiceRegisteredHandler,
        RegistrationLimitsChangedHandler,
        RegistrationUpgradeRequestedHandler,
      ],
      providers: [
        RabbitMqStageUseCase,
        // The provisioner drives the server (its stage and its readiness probe share it).
        {
          provide: RabbitMqTenantProvisioner,
          useFactory: () => new RabbitMqTenantProvisioner(config.RABBITMQ_MGMT_URL),
        },
      ],
      exports: [RabbitMqTenantProvisioner],
    };
  }
}
