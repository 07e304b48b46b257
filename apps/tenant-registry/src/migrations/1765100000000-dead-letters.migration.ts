import { MigrationInterface, QueryRunner } from 'typeorm';

/** Every dead letter of the platform, collected from the `<topic>.dlq` topics, and what became of it. */
export class DeadLetters1765100000000 implements MigrationInterface {
  name = 'DeadLetters1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenant_registry.dead_letter (
        id uuid PRIMARY KEY,
        seq bigserial NOT NULL UNIQUE,
        source_topic text NOT NULL,
        source_partition int NOT NULL,
        source_offset text NOT NULL,
        consumer_group text NOT NULL,
        event_id uuid,
        event_type text,
        tenant_id text,
        error_name text NOT NULL,
        cause text NOT NULL,
        attempts int NOT NULL,
        failed_at timestamptz NOT NULL,
        message_key bytea,
        message_value bytea,
        headers jsonb NOT NULL,
        status text NOT NULL DEFAULT 'open',
        resolved_at timestamptz,
        resolved_by jsonb,
        resolution_reason text,
        received_at timestamptz NOT NULL DEFAULT now(),
        -- One failed delivery is one letter, however often it reaches the dead-letter topic or is
        -- read from it; a replay that fails again is a new delivery (a new offset), a new letter.
        UNIQUE (consumer_group, source_topic, source_partition, source_offset)
      )`);
    await q.query(
      'CREATE INDEX dead_letter_status_topic ON tenant_registry.dead_letter (status, source_topic, seq)',
    );
    await q.query(
      'CREATE INDEX dead_letter_tenant ON tenant_registry.dead_letter (tenant_id, seq)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE tenant_registry.dead_letter');
  }
}
