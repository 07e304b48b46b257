import { platformEventCatalog } from '@enclave/contracts';
import { KafkaReadinessProbe, MessagingModule, messagingOptionsFrom } from '@enclave/messaging';
import { HealthModule, PostgresReadinessProbe, ServiceKitModule } from '@enclave/service-kit';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG } from './config/app-config.token';
import { MongoProvisionerConfig } from './config/mongo-provisioner.config';
import { MongoReadinessProbe } from './health/mongo.readiness-probe';

export const SERVICE = 'mongo-provisioner';

@Module({})
export class AppModule {
  static register(config: MongoProvisionerConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        ServiceKitModule.forRoot({ service: SERVICE, config }),
        MessagingModule.forRoot(messagingOptionsFrom(SERVICE, config, platformEventCatalog)),
        HealthModule.forRoot([PostgresReadinessProbe, KafkaReadinessProbe, MongoReadinessProbe]),
      ],
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
