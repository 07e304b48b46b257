import { MigrationInterface, QueryRunner } from 'typeorm';

/** A registration's own resource limits (null: the defaults) and how many times they changed. */
export class RegistrationLimits1765250000000 implements MigrationInterface {
  name = 'RegistrationLimits1765250000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE tenant_registry.service_registration
         ADD COLUMN limits jsonb,
         ADD COLUMN limits_revision int NOT NULL DEFAULT 0`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE tenant_registry.service_registration DROP COLUMN limits, DROP COLUMN limits_revision',
    );
  }
}
