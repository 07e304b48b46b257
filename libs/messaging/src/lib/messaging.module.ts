import { EventCatalog } from '@enclave/contracts';
import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { DeadLetterPublisher } from './consumer/dead-letter.publisher';
import { EventConsumerServer } from './consumer/event-consumer.server';
import { ProcessedEventStore } from './consumer/processed-event.store';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from './consumer/retry-policy';
import { createKafka, createProducer } from './kafka/kafka-client.factory';
import { RecoveringProducer } from './kafka/recovering.producer';
import { TopicNamer } from './kafka/topic-namer';
import { MessagingLifecycle } from './messaging.lifecycle';
import { MessagingMetricsCollector } from './metrics/messaging-metrics.collector';
import { MESSAGING_OPTIONS, MessagingOptions } from './messaging.options';
import { EVENT_CATALOG, KAFKA, KAFKA_PRODUCER } from './messaging.tokens';
import { OutboxRelay } from './outbox/outbox.relay';
import { OutboxWriter } from './outbox/outbox.writer';

/**
 * Kafka for a service: the transactional outbox and its relay, and the event consumer transport. Handlers are methods decorated with @HandlesEvent in the service's own modules.
 */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    const topics = new TopicNamer(options.topicPrefix);
    // Prefixed like the topics, so environments sharing a cluster never share a group.
    const group = options.group ?? `${options.topicPrefix ?? ''}enclave.${options.service}`;
    const providers: Provider[] = [
      { provide: MESSAGING_OPTIONS, useValue: options },
      { provide: TopicNamer, useValue: topics },
      { provide: EVENT_CATALOG, useValue: options.catalog },
      {
        provide: KAFKA,
        useFactory: () => createKafka(options.service, options.brokers, options.sasl),
      },
      {
        provide: KAFKA_PRODUCER,
        useFactory: (kafka: Kafka) => new RecoveringProducer(() => createProducer(kafka)),
        inject: [KAFKA],
      },
      {
        provide: OutboxWriter,
        useFactory: (catalog: EventCatalog) =>
          new OutboxWriter(catalog, options.schema, options.service),
        inject: [EVENT_CATALOG],
      },
      { provide: ProcessedEventStore, useFactory: () => new ProcessedEventStore(options.schema) },
      {
        provide: DeadLetterPublisher,
        useFactory: (producer: RecoveringProducer) => new DeadLetterPublisher(producer),
        inject: [KAFKA_PRODUCER],
      },
      {
        provide: OutboxRelay,
        useFactory: (dataSource: DataSource, producer: RecoveringProducer) =>
          new OutboxRelay(dataSource, producer, {
            schema: options.schema,
            listenConnection: { connectionString: options.databaseUrl },
            topics,
          }),
        inject: [DataSource, KAFKA_PRODUCER],
      },
      {
        provide: EventConsumerServer,
        useFactory: (
          kafka: Kafka,
          catalog: EventCatalog,
          dataSource: DataSource,
          outbox: OutboxWriter,
          processed: ProcessedEventStore,
          deadLetters: DeadLetterPublisher,
        ) =>
          new EventConsumerServer(kafka, catalog, dataSource, outbox, processed, deadLetters, {
            group,
            retry,
            concurrency: options.concurrency ?? 3,
            keyConcurrency: options.keyConcurrency ?? 1,
            // pg's default pool size.
            databasePoolSize: options.databasePoolSize ?? 10,
            topicPartitions: options.topicPartitions,
            topics,
          }),
        inject: [
          KAFKA,
          EVENT_CATALOG,
          DataSource,
          OutboxWriter,
          ProcessedEventStore,
          DeadLetterPublisher,
        ],
      },
      {
        provide: MessagingMetricsCollector,
        useFactory: (kafka: Kafka, dataSource: DataSource, consumer: EventConsumerServer) =>
          new MessagingMetricsCollector(kafka, dataSource, consumer, topics, options.schema, group),
        inject: [KAFKA, DataSource, EventConsumerServer],
      },
      MessagingLifecycle,
    ];
    return {
      module: MessagingModule,
      providers,
      exports: [
        KAFKA,
        KAFKA_PRODUCER,
        EVENT_CATALOG,
        OutboxWriter,
        EventConsumerServer,
        TopicNamer,
        // For consumers of an app's own that dead-letter the same way (the registry's intake).
        DeadLetterPublisher,
      ],
    };
  }
}
