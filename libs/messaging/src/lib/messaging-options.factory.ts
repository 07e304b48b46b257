import { EventCatalog } from '@enclave/contracts';
import { CommonConfig, serviceSchemaOf } from '@enclave/service-kit';
import { MessagingOptions } from './messaging.options';

/** Messaging options from the variables every service already reads. */
export function messagingOptionsFrom(
  service: string,
  config: CommonConfig,
  catalog: EventCatalog,
  overrides: Partial<MessagingOptions> = {},
): MessagingOptions {
  return {
    service,
    schema: serviceSchemaOf(service),
    databaseUrl: config.DATABASE_URL,
    brokers: config.KAFKA_BROKERS,
    topicPartitions: config.KAFKA_TOPIC_PARTITIONS,
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
    concurrency: config.KAFKA_CONSUMER_CONCURRENCY,
    catalog,
    ...overrides,
  };
}
