import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRegistry1764300000000 implements MigrationInterface {
  name = 'CreateRegistry1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenant_registry.tenant (
        id           text PRIMARY KEY,
        display_name text NOT NULL,
        metadata     jsonb NOT NULL DEFAULT '{}',
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE tenant_registry.service_registration (
        id              uuid PRIMARY KEY,
        tenant_id       text NOT NULL REFERENCES tenant_registry.tenant (id),
        product         text NOT NULL,
        product_version text NOT NULL,
        isolation_mode  text NOT NULL CHECK (isolation_mode IN ('DATABASE', 'SCHEMA')),
        resources       text[] NOT NULL,
        state           text NOT NULL DEFAULT 'provisioning',
        conditions      jsonb NOT NULL DEFAULT '[]',
        status_revision int NOT NULL DEFAULT 0,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT service_registration_tenant_product UNIQUE (tenant_id, product)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE tenant_registry.service_registration');
    await q.query('DROP TABLE tenant_registry.tenant');
  }
}
