import { DynamicModule, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { flushTracing } from '@enclave/tracing';
import { MixedList } from 'typeorm';
import { serviceSchemaOf } from './database/service-schema';
import { SERVICE_NAME } from './bootstrap/service-name.token';
import { CommonConfig } from './config/common-config';
import { DatabaseModule } from './database/database.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { HttpRouteSpanInterceptor } from './tracing/http-route-span.interceptor';

/** What every Enclave service has: its name, JSON logging, metrics and the platform database. */
@Module({})
export class ServiceKitModule implements OnApplicationShutdown {
  /** The spans of the last moments before a SIGTERM are exported, not dropped with the process. */
  async onApplicationShutdown(): Promise<void> {
    await flushTracing().catch(() => undefined);
  }

  static forRoot(options: {
    service: string;
    config: CommonConfig;
    // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
    migrations?: MixedList<Function>;
  }): DynamicModule {
    const { service, config } = options;
    return {
      module: ServiceKitModule,
      global: true,
      imports: [
        LoggingModule.forRoot({ service, level: config.LOG_LEVEL }),
        MetricsModule.forRoot({ service, token: config.METRICS_TOKEN }),
        DatabaseModule.forRoot({
          service,
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          schema: serviceSchemaOf(service),
          migrations: options.migrations,
        }),
      ],
      providers: [
        { provide: SERVICE_NAME, useValue: service },
        { provide: APP_INTERCEPTOR, useClass: HttpRouteSpanInterceptor },
      ],
      exports: [SERVICE_NAME, LoggingModule, DatabaseModule],
    };
  }
}
