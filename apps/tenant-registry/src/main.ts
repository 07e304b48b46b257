import 'reflect-metadata';
import { EventConsumerServer } from '@enclave/messaging';
import { bootstrapService } from '@enclave/service-kit';
import { AppModule, SERVICE } from './app.module';
import { tenantRegistryConfig } from './config/tenant-registry.config';

void bootstrapService({
  service: SERVICE,
  config: tenantRegistryConfig,
  module: (config) => AppModule.register(config),
  transport: EventConsumerServer,
});
