import { Logger } from '@nestjs/common';
import { Kafka, Partitioners, Producer, SASLOptions, logLevel } from 'kafkajs';

/**
 * Broker answers kafkajs logs at error level although they are part of normal operation: a topic
 * a replica created first (the caller treats "already exists" as done), and leadership moving on a
 * new or rebalancing topic (kafkajs retries). A real failure still rejects the call that made it.
 */
const TRANSIENT_RESPONSE =
  /Topic creation errors|already exists|not the leader|leader not available|There is no leader|not the correct coordinator|coordinator is (loading|not available)/i;

/** kafkajs' own logger writes plain text; route it through Nest (JSON via pino) at warn and above. */
function logCreator(clientId: string) {
  const logger = new Logger(`kafkajs:${clientId}`);
  return () =>
    ({ level, log }: { level: logLevel; log: { message: string } & Record<string, unknown> }) => {
      const { message, timestamp: _t, logger: _l, ...extra } = log;
      const transient =
        message.startsWith('Response ') && TRANSIENT_RESPONSE.test(String(extra['error'] ?? ''));
      if (level <= logLevel.ERROR && !transient) logger.error({ ...extra }, message);
      else if (level <= logLevel.WARN) logger.warn({ ...extra }, message);
    };
}

/** A Kafka principal's SASL login (SASL_PLAINTEXT; SCRAM on the brokers the project starts). */
export interface KafkaSasl {
  readonly mechanism: 'scram-sha-512' | 'scram-sha-256' | 'plain';
  readonly username: string;
  readonly password: string;
}

export function createKafka(clientId: string, brokers: string[], sasl?: KafkaSasl): Kafka {
  return new Kafka({
    clientId,
    brokers,
    ...(sasl ? { sasl: { ...sasl } as SASLOptions } : {}),
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 100, maxRetryTime: 5_000, retries: 10 },
    logLevel: logLevel.WARN,
    logCreator: logCreator(clientId),
  });
}

/**
 * Idempotent producer (no duplicates from its own retries, order kept per partition). Topics are
 * created explicitly with their partition count, never implicitly by a send.
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    // Java-compatible murmur2: the same key lands on the same partition as with any other client.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}
