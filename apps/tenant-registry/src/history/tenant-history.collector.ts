import { ALL_TENANTS, type EventCatalog } from '@enclave/contracts';
import {
  EVENT_CATALOG,
  KAFKA,
  RawTopicConsumer,
  RawTopicSubscription,
  TopicNamer,
} from '@enclave/messaging';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { EachMessagePayload, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { HISTORY_EVENTS, historyEntryOf } from './tenant-history.entry';

/**
 * Writes every lifecycle event of a tenant into tenant_history. Its own consumer group, from the
 * beginning, so it sees each event whoever published it (the registry, a stage, an upstream
 * publisher) and never competes with the registry's handlers; the row is unique per event id, so a
 * redelivery records nothing twice. Rows are never deleted: the history outlives offboarding.
 */
@Injectable()
export class TenantHistoryCollector extends RawTopicConsumer {
  private readonly logger = new Logger(TenantHistoryCollector.name);

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(EVENT_CATALOG) private readonly catalog: EventCatalog,
    private readonly topics: TopicNamer,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    super(kafka);
  }

  protected async subscription(): Promise<RawTopicSubscription> {
    // MessagingModule's start-up (creating every topic) has run before this hook.
    return {
      group: `${this.topics.prefix}enclave.tenant-registry.history`,
      topics: HISTORY_EVENTS.map((event) => this.topics.physical(event.topic)),
    };
  }

  protected async onMessage({ topic, partition, message }: EachMessagePayload): Promise<void> {
    let entry;
    try {
      entry = historyEntryOf(this.catalog.decode(this.topics.logical(topic), message.value));
    } catch (error) {
      // Not an event: the consumers that act on this topic dead-letter it with its cause.
      this.logger.warn(
        { topic, partition, offset: message.offset, reason: (error as Error).message },
        'undecodable event left out of the history',
      );
      return;
    }
    // A dead letter of no tenant's event (the platform's own, or unreadable) is in no history.
    if (entry.tenantId === ALL_TENANTS) return;
    // A failure here (the database away) throws: kafkajs retries the message, nothing is skipped.
    await this.dataSource.query(
      `INSERT INTO tenant_registry.tenant_history
         (event_id, tenant_id, product, registration_id, kind, occurred_at, actor, producer, stage,
          reason, correlation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (event_id) DO NOTHING`,
      [
        entry.eventId,
        entry.tenantId,
        entry.product,
        entry.registrationId,
        entry.kind,
        entry.occurredAt,
        entry.actor && JSON.stringify(entry.actor),
        entry.producer,
        entry.stage,
        entry.reason,
        entry.correlationId,
      ],
    );
  }
}
