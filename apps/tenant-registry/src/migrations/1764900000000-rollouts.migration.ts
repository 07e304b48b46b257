import { MigrationInterface, QueryRunner } from 'typeorm';

/** Rollouts of a product version to every Ready registration, tenant by tenant. */
export class Rollouts1764900000000 implements MigrationInterface {
  name = 'Rollouts1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenant_registry.rollout (
        id             uuid PRIMARY KEY,
        product        text NOT NULL REFERENCES tenant_registry.product (name),
        target_version text NOT NULL,
        state          text NOT NULL CHECK (state IN ('running', 'paused', 'completed', 'aborted')),
        concurrency    int NOT NULL,
        failure_budget int NOT NULL,
        failures       int NOT NULL DEFAULT 0,
        reason         text,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        completed_at   timestamptz
      )`);
    // At most one rollout of a product is under way (running or paused) at a time.
    await q.query(`
      CREATE UNIQUE INDEX rollout_one_open_per_product ON tenant_registry.rollout (product)
       WHERE state IN ('running', 'paused')`);
    await q.query(`
      CREATE TABLE tenant_registry.rollout_tenant (
        rollout_id      uuid NOT NULL REFERENCES tenant_registry.rollout (id),
        registration_id uuid NOT NULL REFERENCES tenant_registry.service_registration (id),
        tenant_id       text NOT NULL,
        canary          boolean NOT NULL,
        from_version    text NOT NULL,
        state           text NOT NULL
                        CHECK (state IN ('pending', 'upgrading', 'done', 'skipped', 'failed')),
        awaiting        text[] NOT NULL DEFAULT '{}',
        reason          text,
        started_at      timestamptz,
        finished_at     timestamptz,
        duration_ms     int,
        PRIMARY KEY (rollout_id, registration_id)
      )`);
    await q.query(
      'CREATE INDEX rollout_tenant_state ON tenant_registry.rollout_tenant (rollout_id, state, canary, tenant_id)',
    );
    await q.query('ALTER TABLE tenant_registry.service_registration ADD COLUMN upgrade jsonb');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE tenant_registry.service_registration DROP COLUMN upgrade');
    await q.query('DROP TABLE tenant_registry.rollout_tenant');
    await q.query('DROP TABLE tenant_registry.rollout');
  }
}
