import { MigrationInterface, QueryRunner } from 'typeorm';

/** How many times an operator asked to provision a Failed registration again. */
export class RegistrationRetries1764600000000 implements MigrationInterface {
  name = 'RegistrationRetries1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE tenant_registry.service_registration ADD COLUMN retries int NOT NULL DEFAULT 0',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE tenant_registry.service_registration DROP COLUMN retries');
  }
}
