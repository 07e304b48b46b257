import { randomUUID } from 'node:crypto';
import { Consumer, Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { recordExercised } from './exercised-systems';

export function testKafka(brokers: string[]): Kafka {
  recordExercised('Kafka', brokers.join(','));
  return new Kafka({
    clientId: `test-${randomUUID().slice(0, 8)}`,
    brokers,
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
