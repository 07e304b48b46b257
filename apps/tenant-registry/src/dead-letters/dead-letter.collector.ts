import { deadLetterTopicOf, intakeRequestsTopic } from '@enclave/contracts';
import {
  EVENT_CATALOG,
  KAFKA,
  RawTopicConsumer,
  RawTopicSubscription,
  TopicNamer,
  ensureTopics,
} from '@enclave/messaging';
import type { EventCatalog } from '@enclave/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { EachMessagePayload, Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { INTAKE_SETTINGS, IntakeSettings } from '../intake/intake.settings';
import { IntakePublishers } from '../intake/intake-publishers';
import { readDeadLetterMessage } from './dead-letter.message';

/**
 * Reads every platform topic's `<topic>.dlq` into the registry's dead_letter table, where operators
 * list, inspect, replay and discard them. Its own consumer group, from the beginning: no letter is
 * missed, and reading one twice (a restart, a rebalance) keeps one row (unique per failed delivery).
 */
@Injectable()
export class DeadLetterCollector extends RawTopicConsumer {
  private readonly logger = new Logger(DeadLetterCollector.name);

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(EVENT_CATALOG) private readonly catalog: EventCatalog,
    private readonly topics: TopicNamer,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly publishers: IntakePublishers,
    @Inject(INTAKE_SETTINGS) private readonly intake: IntakeSettings,
  ) {
    super(kafka);
  }

  /** Each configured publisher's intake requests topic (rejected requests are dead-lettered). */
  private intakeTopics(): string[] {
    return this.publishers.names().map((p) => this.topics.physical(intakeRequestsTopic(p)));
  }

  /**
   * The dead-letter topics read: one per topic of the platform (MessagingLifecycle creates them),
   * and one per publisher's intake requests topic.
   */
  deadLetterTopics(): string[] {
    return [
      ...this.catalog.topics().map((t) => this.topics.physical(t)),
      ...this.intakeTopics(),
    ].map(deadLetterTopicOf);
  }

  protected async subscription(): Promise<RawTopicSubscription> {
    // MessagingModule is imported by the app module, so its start-up (creating every topic and its
    // `.dlq`) has run before this hook. The intake topics may not exist yet (IntakeConsumer starts
    // beside this collector): created here too, idempotently.
    await ensureTopics(this.kafka, this.intakeTopics(), this.intake.topicPartitions);
    return {
      group: `${this.topics.prefix}enclave.tenant-registry.dead-letters`,
      topics: this.deadLetterTopics(),
    };
  }

  protected async onMessage({ topic, partition, message }: EachMessagePayload): Promise<void> {
    const letter = readDeadLetterMessage(topic, partition, message, this.topics);
    // A failure here (the database away) throws: kafkajs retries the message, nothing is skipped.
    await this.dataSource.query(
      `INSERT INTO tenant_registry.dead_letter
         (id, source_topic, source_partition, source_offset, consumer_group, event_id, event_type,
          tenant_id, error_name, cause, attempts, failed_at, message_key, message_value, headers)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (consumer_group, source_topic, source_partition, source_offset) DO NOTHING`,
      [
        randomUUID(),
        letter.sourceTopic,
        letter.sourcePartition,
        letter.sourceOffset,
        letter.consumerGroup,
        letter.eventId,
        letter.eventType,
        letter.tenantId,
        letter.errorName,
        letter.cause,
        letter.attempts,
        letter.failedAt,
        letter.messageKey,
        letter.messageValue,
        JSON.stringify(letter.headers),
      ],
    );
    this.logger.log(
      {
        sourceTopic: letter.sourceTopic,
        consumerGroup: letter.consumerGroup,
        eventId: letter.eventId,
        cause: letter.cause,
      },
      'dead letter recorded',
    );
  }
}
