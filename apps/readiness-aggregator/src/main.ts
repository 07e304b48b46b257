import './tracing';
import 'reflect-metadata';
import { EventConsumerServer } from '@enclave/messaging';
import { bootstrapService } from '@enclave/service-kit';
import { AppModule, SERVICE } from './app.module';
import { readinessAggregatorConfig } from './config/readiness-aggregator.config';

void bootstrapService({
  service: SERVICE,
  config: readinessAggregatorConfig,
  module: (config) => AppModule.register(config),
  transport: EventConsumerServer,
});
