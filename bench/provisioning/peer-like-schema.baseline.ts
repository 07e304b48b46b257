import { Migration } from '@enclave/contracts';
import { Client, escapeIdentifier } from 'pg';

/**
 * A peer's tenant creation, as django-tenants documents it: on the application's one open
 * connection, as the one database user every tenant shares, CREATE SCHEMA and the product's tables
 * in one transaction. No role per tenant, no vault, no MongoDB or RabbitMQ: the figure the
 * PostgreSQL part of a registration (registration call → migrations done) is compared with.
 */
export class PeerLikeSchemaBaseline {
  constructor(
    private readonly client: Client,
    private readonly migrations: readonly Migration[],
  ) {}

  /** Creates `schema` with the product's tables; ms. */
  async create(schema: string): Promise<number> {
    const started = performance.now();
    await this.client.query('BEGIN');
    try {
      await this.client.query(`CREATE SCHEMA ${escapeIdentifier(schema)}`);
      await this.client.query(`SET LOCAL search_path TO ${escapeIdentifier(schema)}`);
      for (const migration of this.migrations) await this.client.query(migration.sql);
      await this.client.query('COMMIT');
    } catch (error) {
      await this.client.query('ROLLBACK');
      throw error;
    }
    return performance.now() - started;
  }
}
