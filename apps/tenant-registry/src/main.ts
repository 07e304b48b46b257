import './tracing';
import 'reflect-metadata';
import { EventConsumerServer } from '@enclave/messaging';
import { bootstrapService } from '@enclave/service-kit';
import { AppModule, SERVICE } from './app.module';
import { tenantRegistryConfig } from './config/tenant-registry.config';
import { publishOpenApi } from './openapi/publish-openapi';

void bootstrapService({
  service: SERVICE,
  config: tenantRegistryConfig,
  module: (config) => AppModule.register(config),
  transport: EventConsumerServer,
  configure: (app) => {
    app.useBodyParser('json', { limit: process.env.API_BODY_LIMIT ?? '16kb' });
    publishOpenApi(app);
  },
});
