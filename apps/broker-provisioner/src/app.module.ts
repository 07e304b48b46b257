import { platformEventCatalog } from '@enclave/contracts';
import { ProductCatalogModule } from '@enclave/lifecycle';
import { KafkaReadinessProbe, MessagingModule, messagingOptionsFrom } from '@enclave/messaging';
import { SecretStoreModule, SecretStoreReadinessProbe } from '@enclave/secret-store';
import { HealthModule, PostgresReadinessProbe, ServiceKitModule } from '@enclave/service-kit';
import { DynamicModule, Module } from '@nestjs/common';
import { BrokerProvisionerConfig } from './config/broker-provisioner.config';
import { CredentialsIssuedHandler } from './handlers/credentials-issued.handler';
import { RegistrationUpgradeRequestedHandler } from './handlers/registration-upgrade-requested.handler';
import { ServiceDeprovisionRequestedHandler } from './handlers/service-deprovision-requested.handler';
import { RabbitMqReadinessProbe } from './health/rabbitmq.readiness-probe';
import { RabbitMqStageUseCase } from './provisioning/rabbitmq-stage.use-case';
import { RabbitMqTenantProvisioner } from './provisioning/rabbitmq-tenant.provisioner';

export const SERVICE = 'broker-provisioner';

@Module({})
export class AppModule {
  static register(config: BrokerProvisionerConfig): DynamicModule {
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
          RabbitMqReadinessProbe,
        ]),
      ],
      controllers: [
        CredentialsIssuedHandler,
        ServiceDeprovisionRequestedHandler,
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
