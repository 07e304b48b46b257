import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stage reports now name their rotation (`rotationId`). Reports kept under the old causation key
 * can never be claimed any more, so they go.
 */
export class KeyRotationReportsByRotationId1764800000000 implements MigrationInterface {
  name = 'KeyRotationReportsByRotationId1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE readiness_aggregator.service_status SET unclaimed_reports = '[]'
       WHERE unclaimed_reports <> '[]'`);
  }

  async down(): Promise<void> {
    // Nothing to restore: the dropped reports could not be matched by either key.
  }
}
