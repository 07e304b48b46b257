import './tracing';
import 'reflect-metadata';
import { EventConsumerServer } from '@enclave/messaging';
import { bootstrapService } from '@enclave/service-kit';
import { AppModule, SERVICE } from './app.module';
import { credentialServiceConfig } from './config/credential-service.config';

void bootstrapService({
  service: SERVICE,
  config: credentialServiceConfig,
  module: (config) => AppModule.register(config),
  transport: EventConsumerServer,
});
