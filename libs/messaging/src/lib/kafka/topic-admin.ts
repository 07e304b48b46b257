import { deadLetterTopicOf } from '@enclave/contracts';
import { Kafka } from 'kafkajs';
import { untilBrokerSettles } from './until-broker-settles';

/**
 * Creates the topics (and their dead-letter topics) that are missing; existing ones are left alone.
 * A broker still settling after a restart is waited out (untilBrokerSettles).
 */
export function ensureTopics(
  kafka: Pick<Kafka, 'admin'>,
  topics: string[],
  partitions: number,
  settlingMs?: number,
  pause?: (ms: number) => Promise<void>,
): Promise<void> {
  return untilBrokerSettles(
    () => createMissingTopics(kafka, topics, partitions),
    settlingMs,
    pause,
  );
}

async function createMissingTopics(
  kafka: Pick<Kafka, 'admin'>,
  topics: string[],
  partitions: number,
): Promise<void> {
  if (topics.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = [...new Set(topics.flatMap((t) => [t, deadLetterTopicOf(t)]))].filter(
      (t) => !existing.has(t),
    );
    if (wanted.length === 0) return;
    await admin
      .createTopics({
        waitForLeaders: true,
        topics: wanted.map((topic) => ({
          topic,
          numPartitions: topic.endsWith('.dlq') ? 1 : partitions,
        })),
      })
      .catch((error: Error) => {
        // A replica starting alongside may have created them first; that is the outcome we want.
        if (
          !/already exists/i.test(
            JSON.stringify((error as { errors?: unknown }).errors ?? error.message),
          )
        ) {
          throw error;
        }
      });
  } finally {
    await admin.disconnect();
  }
}
