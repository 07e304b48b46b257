import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createSchemaIfMissing } from './create-schema-if-missing';

/** The advisory lock every writer of a service schema's DDL takes (migrations, messaging tables). */
export const schemaLockKey = (schema: string): string => `enclave.schema.${schema}`;

/**
 * Runs the service's TypeORM migrations at start-up, one replica at a time (a session advisory
 * lock), each migration in its own transaction. Replicas that wait find nothing left to do.
 */
@Injectable()
export class SchemaMigrationsRunner implements OnModuleInit {
  private readonly logger = new Logger(SchemaMigrationsRunner.name);

  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const schema = (this.dataSource.options as { schema?: string }).schema;
    if (!schema || this.dataSource.migrations.length === 0) return;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock(hashtext($1))', [schemaLockKey(schema)]);
      await createSchemaIfMissing(runner, schema);
      const applied = await this.dataSource.runMigrations({ transaction: 'each' });
      if (applied.length > 0)
        this.logger.log(`applied migrations: ${applied.map((m) => m.name).join(', ')}`);
    } finally {
      await runner
        .query('SELECT pg_advisory_unlock(hashtext($1))', [schemaLockKey(schema)])
        .catch(() => undefined);
      await runner.release();
    }
  }
}
