import { MigrationInterface, QueryRunner } from 'typeorm';

/** Each registration's schema version, so a product's fan-out can skip tenants already at the target. */
export class CreateTenantSchemaVersion1764300000000 implements MigrationInterface {
  name = 'CreateTenantSchemaVersion1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE migration_runner.tenant_schema_version (
        registration_id uuid PRIMARY KEY,
        tenant_id       text NOT NULL,
        product         text NOT NULL,
        isolation_mode  text NOT NULL,
        database        text NOT NULL,
        schema          text NOT NULL,
        version         int NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      'CREATE INDEX tenant_schema_version_product_idx ON migration_runner.tenant_schema_version (product, version)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE migration_runner.tenant_schema_version');
  }
}
