import './tracing';
import 'reflect-metadata';
import { bootstrapService } from '@enclave/service-kit';
import { AppModule, SERVICE } from './app.module';
import { operatorConsoleConfig } from './config/operator-console.config';
import { PUBLIC_DIR } from './web/console-assets';
import { securityHeadersMiddleware } from './web/security-headers';

void bootstrapService({
  service: SERVICE,
  config: operatorConsoleConfig,
  module: (config) => AppModule.register(config),
  configure: (app) => {
    // First, so every response (page, modules, API, errors) carries them.
    app.use(securityHeadersMiddleware(PUBLIC_DIR));
    app.useStaticAssets(PUBLIC_DIR, { index: 'index.html' });
    app.disable('x-powered-by');
  },
});
