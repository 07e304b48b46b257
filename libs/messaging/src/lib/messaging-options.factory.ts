import { EventCatalog } from '@enclave/contracts';
import { CommonConfig, serviceSchemaOf } from '@enclave/service-kit';
import { KafkaSasl } from './kafka/kafka-client.factory';
import { MessagingOptions } from './messaging.options';

/** The service's Kafka login from KAFKA_SASL_* (validated together at start-up), if any. */
export function kafkaSaslFrom(
  config: Pick<
    CommonConfig,
    'KAFKA_SASL_MECHANISM' | 'KAFKA_SASL_USERNAME' | 'KAFKA_SASL_PASSWORD'
  >,
): KafkaSasl | undefined {
  if (!config.KAFKA_SASL_USERNAME || !config.KAFKA_SASL_PASSWORD) return undefined;
  return {
    mechanism: config.KAFKA_SASL_MECHANISM,
    username: config.KAFKA_SASL_USERNAME,
    password: config.KAFKA_SASL_PASSWORD,
  };
}

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
    sasl: kafkaSaslFrom(config),
    topicPartitions: config.KAFKA_TOPIC_PARTITIONS,
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
    concurrency: config.KAFKA_CONSUMER_CONCURRENCY,
    keyConcurrency: config.KAFKA_CONSUMER_KEY_CONCURRENCY,
    databasePoolSize: config.DATABASE_POOL_SIZE,
    catalog,
    ...overrides,
  };
}
