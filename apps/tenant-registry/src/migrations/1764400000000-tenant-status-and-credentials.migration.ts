import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tenant suspension, and the credential versions each registration's resources have applied. */
export class TenantStatusAndCredentials1764400000000 implements MigrationInterface {
  name = 'TenantStatusAndCredentials1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tenant_registry.tenant
        ADD COLUMN status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
        ADD COLUMN status_reason   text,
        ADD COLUMN status_revision int NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE tenant_registry.service_registration ADD COLUMN credentials jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE tenant_registry.service_registration DROP COLUMN credentials');
    await q.query(`
      ALTER TABLE tenant_registry.tenant
        DROP COLUMN status, DROP COLUMN status_reason, DROP COLUMN status_revision`);
  }
}
