import { MigrationInterface, QueryRunner } from 'typeorm';

/** The product catalog as data: each product's published versions, immutable, and its current one. */
export class ProductCatalog1764800000000 implements MigrationInterface {
  name = 'ProductCatalog1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenant_registry.product (
        name            text PRIMARY KEY,
        current_version text NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE tenant_registry.product_version (
        product        text NOT NULL REFERENCES tenant_registry.product (name),
        version        text NOT NULL,
        manifest       json NOT NULL,
        checksum       text NOT NULL,
        schema_version int NOT NULL,
        published_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (product, version)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE tenant_registry.product_version');
    await q.query('DROP TABLE tenant_registry.product');
  }
}
