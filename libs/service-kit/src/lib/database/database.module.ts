import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

export interface DatabaseOptions {
  readonly service: string;
  readonly url: string;
  readonly poolSize: number;
}

/** The service's connection to the platform's own PostgreSQL (TypeORM over a pg pool). */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: options.url,
          autoLoadEntities: true,
          synchronize: false,
          // Fail start-up quickly rather than retrying for minutes behind a health check.
          retryAttempts: 3,
          retryDelay: 500,
          extra: {
            max: options.poolSize,
            application_name: options.service,
            connectionTimeoutMillis: 5_000,
          },
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
