import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventConsumerServer } from './consumer/event-consumer.server';
import { ensureTopics } from './kafka/topic-admin';
import { RecoveringProducer } from './kafka/recovering.producer';
import { TopicNamer } from './kafka/topic-namer';
import { MESSAGING_OPTIONS, MessagingOptions } from './messaging.options';
import { KAFKA, KAFKA_PRODUCER } from './messaging.tokens';
import { ensureMessagingSchema } from './persistence/messaging-schema';
import { OutboxRelay } from './outbox/outbox.relay';
import { MessagingMetricsCollector } from './metrics/messaging-metrics.collector';

/**
 * Start: tables, topics, producer, relay. Stop, in the order that loses nothing: stop consuming
 * (the handlers in flight finish and their offsets commit), flush the outbox, then disconnect the producer.
 */
@Injectable()
export class MessagingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_PRODUCER) private readonly producer: RecoveringProducer,
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
    private readonly consumer: EventConsumerServer,
    private readonly topics: TopicNamer,
    private readonly metrics: MessagingMetricsCollector,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureMessagingSchema(this.dataSource, this.options.schema);
    await ensureTopics(
      this.kafka,
      this.options.catalog.topics().map((t) => this.topics.physical(t)),
      this.options.topicPartitions,
    );
    await this.producer.connect();
    await this.relay.start();
    this.metrics.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.metrics.stop();
    await this.consumer.close();
    await this.relay.stop();
    await this.producer.disconnect();
  }
}
