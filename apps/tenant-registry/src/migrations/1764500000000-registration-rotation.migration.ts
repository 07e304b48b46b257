import { MigrationInterface, QueryRunner } from 'typeorm';

/** The last credential rotation an operator asked for, and how it ended. */
export class RegistrationRotation1764500000000 implements MigrationInterface {
  name = 'RegistrationRotation1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenant_registry.service_registration ADD COLUMN rotation jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE tenant_registry.service_registration DROP COLUMN rotation');
  }
}
