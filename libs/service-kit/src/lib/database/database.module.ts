import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MixedList } from 'typeorm';
import { SchemaMigrationsRunner } from './schema-migrations.runner';

export interface DatabaseOptions {
  readonly service: string;
  readonly url: string;
  readonly poolSize: number;
  /** The service's own schema in the platform database (entities and migrations table live here). */
  readonly schema?: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly migrations?: MixedList<Function>;
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
          schema: options.schema,
          autoLoadEntities: true,
          synchronize: false,
          migrations: options.migrations ?? [],
          migrationsRun: false,
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
      providers: [SchemaMigrationsRunner],
      exports: [TypeOrmModule],
    };
  }
}
