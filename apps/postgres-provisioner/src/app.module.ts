import { platformEventCatalog } from '@enclave/contracts';
import { KafkaReadinessProbe, MessagingModule, messagingOptionsFrom } from '@enclave/messaging';
import { HealthModule, PostgresReadinessProbe, ServiceKitModule } from '@enclave/service-kit';
import { DynamicModule, Module } from '@nestjs/common';
import { PostgresProvisionerConfig } from './config/postgres-provisioner.config';

export const SERVICE = 'postgres-provisioner';

@Module({})
export class AppModule {
  static register(config: PostgresProvisionerConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        ServiceKitModule.forRoot({ service: SERVICE, config }),
        MessagingModule.forRoot(messagingOptionsFrom(SERVICE, config, platformEventCatalog)),
        HealthModule.forRoot([PostgresReadinessProbe, KafkaReadinessProbe]),
      ],
    };
  }
}
