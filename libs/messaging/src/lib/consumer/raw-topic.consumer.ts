import { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import { untilBrokerSettles } from '../kafka/until-broker-settles';

/** What a RawTopicConsumer reads: its own group, from the beginning of these topics. */
export interface RawTopicSubscription {
  readonly group: string;
  readonly topics: readonly string[];
  /** Partitions handled at once (kafkajs' partitionsConsumedConcurrently); 1 by default. */
  readonly concurrency?: number;
}

/**
 * A consumer of raw Kafka messages, outside the envelope pipeline of EventConsumerServer: for readers
 * that must see every message of a topic whoever wrote it, in a group of their own (the registry's
 * dead-letter collector, tenant history and intake). Start-up waits out a broker that is still
 * settling; a handler that throws leaves the offset uncommitted, so kafkajs delivers the message
 * again and nothing is skipped. Subclasses say what to read and how to handle one message.
 */
export abstract class RawTopicConsumer
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private consumer?: Consumer;

  protected constructor(protected readonly kafka: Kafka) {}

  /** What to read, or undefined to read nothing (e.g. no publisher configured). */
  protected abstract subscription(): Promise<RawTopicSubscription | undefined>;

  protected abstract onMessage(payload: EachMessagePayload): Promise<void>;

  async onApplicationBootstrap(): Promise<void> {
    const subscription = await this.subscription();
    if (subscription === undefined || subscription.topics.length === 0) return;
    await untilBrokerSettles(async () => {
      const consumer = this.kafka.consumer({
        groupId: subscription.group,
        sessionTimeout: 10_000,
        heartbeatInterval: 1_000,
        // As the event consumers: an idle fetch a second, not four (data still answers at once).
        maxWaitTimeInMs: 1_000,
        allowAutoTopicCreation: false,
      });
      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [...subscription.topics], fromBeginning: true });
        await consumer.run({
          partitionsConsumedConcurrently: subscription.concurrency ?? 1,
          eachMessage: (payload) => this.onMessage(payload),
        });
      } catch (error) {
        await consumer.disconnect().catch(() => undefined);
        throw error;
      }
      this.consumer = consumer;
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }
}
