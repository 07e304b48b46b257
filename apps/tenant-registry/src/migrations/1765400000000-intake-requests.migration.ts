import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Intake requests the registry acted on, one row per (publisher, request id), with the reply they
 * got: the same request read again is answered the same way and acts once.
 */
export class IntakeRequests1765400000000 implements MigrationInterface {
  name = 'IntakeRequests1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenant_registry.intake_request (
        publisher text NOT NULL,
        request_id uuid NOT NULL,
        kind text NOT NULL,
        tenant_id text NOT NULL,
        product text,
        fingerprint text NOT NULL,
        status text NOT NULL CHECK (status IN ('accepted', 'rejected')),
        reason text,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (publisher, request_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE tenant_registry.intake_request');
  }
}
