import './tracing';
import 'reflect-metadata';
import { bootstrapService } from '@enclave/service-kit';
import { AppModule, SERVICE } from './app.module';
import { sampleLedgerConfig } from './config/sample-ledger.config';

void bootstrapService({
  service: SERVICE,
  config: sampleLedgerConfig,
  module: (config) => AppModule.register(config),
  configure: (app) => app.useBodyParser('json', { limit: '64kb' }),
});
