import { DataSource } from 'typeorm';
import { createSchemaIfMissing, schemaLockKey } from '@enclave/service-kit';
import { quoteIdent } from './sql-identifier';

/**
 * Creates the outbox and the processed-event ledger in the service's own schema. Serialised by an
 * advisory lock so replicas starting together do not race on CREATE … IF NOT EXISTS.
 */
export async function ensureMessagingSchema(dataSource: DataSource, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  await dataSource.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [schemaLockKey(schema)]);
    await createSchemaIfMissing(tx, schema);
    await tx.query(`
      CREATE TABLE IF NOT EXISTS ${s}.outbox (
        id          bigserial PRIMARY KEY,
        event_id    uuid NOT NULL UNIQUE,
        topic       text NOT NULL,
        message_key text NOT NULL,
        envelope    text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    // W3C trace context (JSON of traceparent/tracestate) of the publishing span; NULL untraced.
    await tx.query(`ALTER TABLE ${s}.outbox ADD COLUMN IF NOT EXISTS trace_context text`);
    await tx.query(`
      CREATE TABLE IF NOT EXISTS ${s}.processed_event (
        consumer_group text NOT NULL,
        event_id       uuid NOT NULL,
        topic          text NOT NULL,
        processed_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, event_id)
      )`);
  });
}

export function outboxChannel(schema: string): string {
  return `${schema}_outbox`;
}
