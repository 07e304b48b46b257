import { platformEventCatalog } from '@enclave/contracts';
import { KafkaReadinessProbe, MessagingModule, messagingOptionsFrom } from '@enclave/messaging';
import { HealthModule, PostgresReadinessProbe, ServiceKitModule } from '@enclave/service-kit';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG } from './config/app-config.token';
import { BrokerProvisionerConfig } from './config/broker-provisioner.config';
import { RabbitMqReadinessProbe } from './health/rabbitmq.readiness-probe';

export const SERVICE = 'broker-provisioner';

@Module({})
export class AppModule {
  static register(config: BrokerProvisionerConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        ServiceKitModule.forRoot({ service: SERVICE, config }),
        MessagingModule.forRoot(messagingOptionsFrom(SERVICE, config, platformEventCatalog)),
        HealthModule.forRoot([PostgresReadinessProbe, KafkaReadinessProbe, RabbitMqReadinessProbe]),
      ],
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
