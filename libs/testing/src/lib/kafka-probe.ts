import { randomUUID } from 'node:crypto';
import { Consumer, Kafka, KafkaMessage, SASLOptions, logLevel } from 'kafkajs';
import { recordExercised } from './exercised-systems';
import { KafkaSasl, testInfra } from './test-infra';

/**
 * A client of the test profile's Kafka. Logs in as `sasl` when given, else as the profile's
 * super-user (testInfra().kafkaSasl), so tests see everything whatever the ACLs.
 */
export function testKafka(
  brokers: string[],
  sasl: KafkaSasl | undefined = testInfra().kafkaSasl,
): Kafka {
  recordExercised('Kafka', brokers.join(','));
  return new Kafka({
    clientId: `test-${randomUUID().slice(0, 8)}`,
    brokers,
    ...(sasl ? { sasl: { ...sasl } as SASLOptions } : {}),
    logLevel: logLevel.NOTHING,
  });
}

export interface CollectedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
}

/** Reads topics from the beginning into an array, with its own group, until stopped. */
export async function collectTopic(
  kafka: Kafka,
  topics: string[],
): Promise<{
  readonly messages: CollectedMessage[];
  stop(): Promise<void>;
}> {
  const messages: CollectedMessage[] = [];
  const consumer: Consumer = kafka.consumer({
    groupId: `collector-${randomUUID()}`,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      messages.push({ topic, partition, message });
    },
  });
  return { messages, stop: () => consumer.disconnect() };
}
