import './tracing';
import 'reflect-metadata';
import { bootstrapService } from '@enclave/service-kit';
import { AppModule, SERVICE } from './app.module';
import { operatorConsoleConfig } from './config/operator-console.config';
import { PUBLIC_DIR } from './web/console-assets';

void bootstrapService({
  service: SERVICE,
  config: operatorConsoleConfig,
  module: (config) => AppModule.register(config),
  configure: (app) => {
    app.useStaticAssets(PUBLIC_DIR, { index: 'index.html' });
    app.disable('x-powered-by');
  },
});
