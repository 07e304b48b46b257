import { platformEventCatalog } from '@enclave/contracts';
import { KafkaReadinessProbe, MessagingModule, messagingOptionsFrom } from '@enclave/messaging';
import { HealthModule, PostgresReadinessProbe, ServiceKitModule } from '@enclave/service-kit';
import { DynamicModule, Module } from '@nestjs/common';
import { TenantRegistryConfig } from './config/tenant-registry.config';

export const SERVICE = 'tenant-registry';

@Module({})
export class AppModule {
  static register(config: TenantRegistryConfig): DynamicModule {
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
