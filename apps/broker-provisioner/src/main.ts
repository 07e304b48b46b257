import './tracing';
import 'reflect-metadata';
import { EventConsumerServer } from '@enclave/messaging';
import { bootstrapService } from '@enclave/service-kit';
import { AppModule, SERVICE } from './app.module';
import { brokerProvisionerConfig } from './config/broker-provisioner.config';

void bootstrapService({
  service: SERVICE,
  config: brokerProvisionerConfig,
  module: (config) => AppModule.register(config),
  transport: EventConsumerServer,
});
