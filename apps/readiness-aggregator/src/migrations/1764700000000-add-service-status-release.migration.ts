import { MigrationInterface, QueryRunner } from 'typeorm';

/** Offboarding: when it was asked for, and which stages have released the registration. */
export class AddServiceStatusRelease1764700000000 implements MigrationInterface {
  name = 'AddServiceStatusRelease1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE readiness_aggregator.service_status
        ADD COLUMN deprovision_requested_at timestamptz,
        ADD COLUMN released jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE readiness_aggregator.service_status
        DROP COLUMN released,
        DROP COLUMN deprovision_requested_at`);
  }
}
