import { Migration, ProductManifests } from '@enclave/contracts';
import { Client, escapeIdentifier } from 'pg';

/**
 * The baseline: what a plain script does to bring N tenant schemas one migration forward, one
 * schema after another on one admin connection: BEGIN, the migration's SQL, its row in the
 * schema's `enclave_schema_migrations`, COMMIT. `prepare` makes the schemas at 1.0.0 first (not
 * timed), with the same tables and migration records as a tenant the platform made.
 */
export class SequentialMigrationBaseline {
  constructor(private readonly databaseUrl: string) {}

  async prepare(schemas: readonly string[], migrations: readonly Migration[]): Promise<void> {
    await this.withClient(async (client) => {
      for (const schema of schemas) {
        const s = escapeIdentifier(schema);
        await client.query(
          `BEGIN; CREATE SCHEMA ${s}; SET LOCAL search_path TO ${s};
           ${migrations.map((m) => m.sql).join('\n')}
           CREATE TABLE ${s}.enclave_schema_migrations (version integer PRIMARY KEY, name text NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now(), checksum text NOT NULL);
           ${migrations
             .map(
               (m) =>
                 `INSERT INTO ${s}.enclave_schema_migrations (version, name, checksum) VALUES (${m.version}, '${m.name}', '${ProductManifests.migrationChecksum(m)}');`,
             )
             .join('\n')}
           COMMIT;`,
        );
      }
    });
  }

  /**
   * Applies `migration` to each schema in turn; each schema's time in ms. `connectionPerSchema`
   * opens a new connection for each (as a tool that logs in per tenant must).
   */
  async run(
    schemas: readonly string[],
    migration: Migration,
    connectionPerSchema = false,
  ): Promise<number[]> {
    const checksum = ProductManifests.migrationChecksum(migration);
    const apply = async (client: Client, schema: string) => {
      const s = escapeIdentifier(schema);
      await client.query(`BEGIN; SET LOCAL search_path TO ${s}; ${migration.sql}`);
      await client.query(
        `INSERT INTO ${s}.enclave_schema_migrations (version, name, applied_at, checksum) VALUES ($1, $2, now(), $3)`,
        [migration.version, migration.name, checksum],
      );
      await client.query('COMMIT');
    };
    const times: number[] = [];
    if (connectionPerSchema) {
      for (const schema of schemas) {
        const started = performance.now();
        await this.withClient((client) => apply(client, schema));
        times.push(performance.now() - started);
      }
      return times;
    }
    await this.withClient(async (client) => {
      for (const schema of schemas) {
        const started = performance.now();
        await apply(client, schema);
        times.push(performance.now() - started);
      }
    });
    return times;
  }

  private async withClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }
}
