import { EventCatalog } from '@enclave/contracts';
import { RetryPolicy } from './consumer/retry-policy';
import { KafkaSasl } from './kafka/kafka-client.factory';

export interface MessagingOptions {
  /** Service name: Kafka client id and the envelope's `producer`. */
  readonly service: string;
  /** PostgreSQL schema holding the service's outbox and processed-event ledger. */
  readonly schema: string;
  readonly databaseUrl: string;
  readonly brokers: string[];
  /** The service's own Kafka principal; unset: an unauthenticated broker. */
  readonly sasl?: KafkaSasl;
  readonly catalog: EventCatalog;
  /** Consumer group; defaults to `enclave.<service>`. Replicas share it and split partitions. */
  readonly group?: string;
  readonly topicPartitions: number;
  /** Partitions one replica handles at once. */
  readonly concurrency?: number;
  /** Keys handled at once within one partition's batch (1: one message at a time). */
  readonly keyConcurrency?: number;
  /** DATABASE_POOL_SIZE: the handlers' open transactions stay below it. */
  readonly databasePoolSize?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Prefix of every physical topic (environments or test runs sharing a cluster). */
  readonly topicPrefix?: string;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
