import { MigrationInterface, QueryRunner } from 'typeorm';

/** A whole tenant can be offboarded: `offboarding`, then `deleted` (kept), with why and when. */
export class TenantOffboarding1765300000000 implements MigrationInterface {
  name = 'TenantOffboarding1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tenant_registry.tenant
        DROP CONSTRAINT IF EXISTS tenant_status_check,
        ADD CONSTRAINT tenant_status_check
          CHECK (status IN ('active', 'suspended', 'offboarding', 'deleted')),
        ADD COLUMN offboard_reason       text,
        ADD COLUMN offboard_requested_at timestamptz,
        ADD COLUMN deleted_at            timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tenant_registry.tenant
        DROP COLUMN offboard_reason, DROP COLUMN offboard_requested_at, DROP COLUMN deleted_at,
        DROP CONSTRAINT tenant_status_check,
        ADD CONSTRAINT tenant_status_check CHECK (status IN ('active', 'suspended'))`);
  }
}
