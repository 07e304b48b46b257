import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Offboarded registrations: their secrets are revoked, and a replayed ServiceRegistered or retry must
 * not vault new ones (the provisioners would rebuild what the offboarding removed).
 */
export class CreateRevokedRegistration1764700000000 implements MigrationInterface {
  name = 'CreateRevokedRegistration1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE credential_service.revoked_registration (
        registration_id uuid PRIMARY KEY,
        tenant_id       text NOT NULL,
        product         text NOT NULL,
        revoked_at      timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE credential_service.revoked_registration');
  }
}
