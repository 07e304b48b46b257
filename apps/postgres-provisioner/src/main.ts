import './tracing';
import 'reflect-metadata';
import { EventConsumerServer } from '@enclave/messaging';
import { bootstrapService } from '@enclave/service-kit';
import { AppModule, SERVICE } from './app.module';
import { postgresProvisionerConfig } from './config/postgres-provisioner.config';

void bootstrapService({
  service: SERVICE,
  config: postgresProvisionerConfig,
  module: (config) => AppModule.register(config),
  transport: EventConsumerServer,
});
