import './tracing';
import 'reflect-metadata';
import { EventConsumerServer } from '@enclave/messaging';
import { bootstrapService } from '@enclave/service-kit';
import { AppModule, SERVICE } from './app.module';
import { mongoProvisionerConfig } from './config/mongo-provisioner.config';

void bootstrapService({
  service: SERVICE,
  config: mongoProvisionerConfig,
  module: (config) => AppModule.register(config),
  transport: EventConsumerServer,
});
