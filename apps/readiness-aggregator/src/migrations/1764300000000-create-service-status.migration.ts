import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateServiceStatus1764300000000 implements MigrationInterface {
  name = 'CreateServiceStatus1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE readiness_aggregator.service_status (
        registration_id uuid PRIMARY KEY,
        tenant_id       text NOT NULL,
        product         text NOT NULL,
        isolation_mode  text NOT NULL,
        registered_at   timestamptz,
        required        text[],
        stages          jsonb NOT NULL DEFAULT '{}',
        state           text NOT NULL DEFAULT 'provisioning',
        schema_version  int,
        revision        int NOT NULL DEFAULT 0,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      'CREATE INDEX service_status_product_idx ON readiness_aggregator.service_status (product, state)',
    );
    await q.query(
      'CREATE INDEX service_status_tenant_idx ON readiness_aggregator.service_status (tenant_id)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE readiness_aggregator.service_status');
  }
}
