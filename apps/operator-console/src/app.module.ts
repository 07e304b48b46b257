import { HealthModule, LoggingModule, SERVICE_NAME } from '@enclave/service-kit';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { ZodValidationPipe } from 'nestjs-zod';
import { CONSOLE_CONFIG } from './config/console-config.token';
import { OperatorConsoleConfig } from './config/operator-console.config';
import { PlatformAppsReader } from './platform/platform-apps.reader';
import { PlatformController } from './platform/platform.controller';
import { RegistryClient } from './platform/registry.client';
import { RegistryProxyController } from './platform/registry-proxy.controller';
import { RegistryReadinessProbe } from './platform/registry.readiness-probe';
import { OperatorSession } from './session/operator-session';
import { SessionController } from './session/session.controller';
import { WebController } from './web/web.controller';

export const SERVICE = 'operator-console';

/**
 * The operator console: a static single-page app and a thin backend-for-frontend over the platform's
 * own APIs. No database, no Kafka, no state: the session is the operator's sealed cookie.
 */
@Module({})
export class AppModule {
  static register(config: OperatorConsoleConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot({ service: SERVICE, level: config.LOG_LEVEL }),
        HealthModule.forRoot([RegistryReadinessProbe]),
      ],
      controllers: [SessionController, RegistryProxyController, PlatformController, WebController],
      providers: [
        { provide: SERVICE_NAME, useValue: SERVICE },
        { provide: CONSOLE_CONFIG, useValue: config },
        { provide: APP_PIPE, useClass: ZodValidationPipe },
        OperatorSession,
        RegistryClient,
        PlatformAppsReader,
        RegistryReadinessProbe,
      ],
      exports: [SERVICE_NAME, CONSOLE_CONFIG],
      global: true,
    };
  }
}
