import { type EventCatalog, productFeedEvents, productFeedTopic } from '@enclave/contracts';
import {
  EVENT_CATALOG,
  KAFKA,
  KAFKA_PRODUCER,
  RawTopicConsumer,
  RawTopicSubscription,
  RecoveringProducer,
  TopicNamer,
  ensureTopics,
} from '@enclave/messaging';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { EachMessagePayload, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { INTAKE_SETTINGS, IntakeSettings } from '../intake/intake.settings';
import { feedProductsOf } from './product-feed.rule';

/**
 * Republishes every product-facing lifecycle event onto the feed of each product it concerns
 * (feedProductsOf), `enclave.products.<product>.lifecycle`, with the original key, value and headers:
 * the envelope id stays, so a product's idempotent handling is unchanged. A product's principal may
 * read only its own feed (scripts/kafka/kafka-acl-plan.ts). Its own consumer group, from the
 * beginning; a message is acknowledged once every feed has it (acks from all replicas), so a
 * failure redelivers it and a product may see an event twice, never miss one.
 */
@Injectable()
export class ProductFeedRelay extends RawTopicConsumer {
  private readonly logger = new Logger(ProductFeedRelay.name);
  private readonly ensured = new Set<string>();

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    // The app's own producer (the outbox relay's and the dead letters'): connected by
    // MessagingModule's start-up, which runs before this consumer's.
    @Inject(KAFKA_PRODUCER) private readonly producer: RecoveringProducer,
    @Inject(EVENT_CATALOG) private readonly catalog: EventCatalog,
    @Inject(INTAKE_SETTINGS) private readonly settings: IntakeSettings,
    private readonly topics: TopicNamer,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    super(kafka);
  }

  /**
   * Creates the feed of each product (and its `.dlq`) if missing: a product's listener never
   * creates it, and refuses to start without it. Called for every known product at start-up and
   * when a product is published.
   */
  async ensureFeeds(products: readonly string[]): Promise<void> {
    const missing = products.map((p) => this.topics.physical(productFeedTopic(p)));
    const wanted = missing.filter((t) => !this.ensured.has(t));
    if (wanted.length === 0) return;
    await ensureTopics(this.kafka, wanted, this.settings.topicPartitions);
    wanted.forEach((t) => this.ensured.add(t));
  }

  protected async subscription(): Promise<RawTopicSubscription> {
    const products = (await this.dataSource.query(
      `SELECT name FROM tenant_registry.product ORDER BY name`,
    )) as { name: string }[];
    await this.ensureFeeds(products.map((p) => p.name));
    return {
      group: `${this.topics.prefix}enclave.tenant-registry.product-feed`,
      topics: productFeedEvents.map((event) => this.topics.physical(event.topic)),
    };
  }

  protected async onMessage({ topic, partition, message }: EachMessagePayload): Promise<void> {
    let envelope;
    try {
      envelope = this.catalog.decode(this.topics.logical(topic), message.value);
    } catch (error) {
      // Not an event: the consumers that act on this topic dead-letter it with its cause.
      this.logger.warn(
        { topic, partition, offset: message.offset, reason: (error as Error).message },
        'undecodable event left out of the product feeds',
      );
      return;
    }
    const products = await feedProductsOf(envelope, (tenantId) =>
      this.registeredProducts(tenantId),
    );
    if (products.length === 0) return;
    await this.ensureFeeds(products);
    // A failure throws: kafkajs delivers the message again, and every feed gets it (again).
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: products.map((product) => ({
        topic: this.topics.physical(productFeedTopic(product)),
        messages: [{ key: message.key, value: message.value, headers: message.headers }],
      })),
    });
  }

  private async registeredProducts(tenantId: string): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT product FROM tenant_registry.service_registration WHERE tenant_id = $1`,
      [tenantId],
    )) as { product: string }[];
    return rows.map((r) => r.product);
  }
}
