import { MigrationInterface, QueryRunner } from 'typeorm';

/** The last operator retry a Failed registration was reopened for. */
export class AddServiceStatusRetries1764600000000 implements MigrationInterface {
  name = 'AddServiceStatusRetries1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE readiness_aggregator.service_status ADD COLUMN retries int NOT NULL DEFAULT 0',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE readiness_aggregator.service_status DROP COLUMN retries');
  }
}
