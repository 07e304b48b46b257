import './tracing';
import 'reflect-metadata';
import { EventConsumerServer } from '@enclave/messaging';
import { bootstrapService } from '@enclave/service-kit';
import { AppModule, SERVICE } from './app.module';
import { migrationRunnerConfig } from './config/migration-runner.config';

void bootstrapService({
  service: SERVICE,
  config: migrationRunnerConfig,
  module: (config) => AppModule.register(config),
  transport: EventConsumerServer,
});
