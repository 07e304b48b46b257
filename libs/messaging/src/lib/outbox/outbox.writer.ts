import { EnvelopeMeta, EventCatalog, EventDefinition, EventEnvelope } from '@enclave/contracts';
import { TraceContext } from '@enclave/service-kit';
import { Queryable } from '../persistence/queryable';
import { outboxChannel } from '../persistence/messaging-schema';
import { quoteIdent } from '../persistence/sql-identifier';
import { tracePublication } from '../tracing/event-trace';

export type PublishMeta = Omit<EnvelopeMeta, 'producer'>;

/**
 * Appends events to the outbox inside the caller's transaction: the state change and the event
 * commit together or not at all. The relay publishes them afterwards.
 */
export class OutboxWriter {
  private readonly table: string;
  private readonly channel: string;

  constructor(
    private readonly catalog: EventCatalog,
    schema: string,
    private readonly producer: string,
  ) {
    this.table = `${quoteIdent(schema)}.outbox`;
    this.channel = outboxChannel(schema);
  }

  async append<P>(
    tx: Queryable,
    def: EventDefinition<string, P>,
    payload: P,
    meta: PublishMeta,
  ): Promise<EventEnvelope<P>> {
    const envelope = this.catalog.envelope(def, payload, {
      ...meta,
      actor: meta.actor ?? TraceContext.current().actor,
      producer: this.producer,
    });
    await tx.query(
      `INSERT INTO ${this.table} (event_id, topic, message_key, envelope, trace_context)
       VALUES ($1, $2, $3, $4, $5)`,
      [
        envelope.id,
        def.topic,
        def.partitionKey(envelope.payload),
        JSON.stringify(envelope),
        // The relay sends it as Kafka headers: the consumer's span continues this trace.
        tracePublication(envelope, def.topic),
      ],
    );
    // Delivered at commit; wakes the relay at once instead of at its next poll.
    await tx.query(`SELECT pg_notify($1, '')`, [this.channel]);
    return envelope;
  }
}
