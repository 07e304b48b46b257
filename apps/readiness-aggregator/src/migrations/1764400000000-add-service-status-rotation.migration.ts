import { MigrationInterface, QueryRunner } from 'typeorm';

/** Credential rotation tracking: the last rotation, and re-apply reports not yet matched to one. */
export class AddServiceStatusRotation1764400000000 implements MigrationInterface {
  name = 'AddServiceStatusRotation1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE readiness_aggregator.service_status
        ADD COLUMN rotation          jsonb,
        ADD COLUMN unclaimed_reports jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE readiness_aggregator.service_status
        DROP COLUMN unclaimed_reports,
        DROP COLUMN rotation`);
  }
}
