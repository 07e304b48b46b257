import { randomBytes } from 'node:crypto';
import { Consumer, Kafka, Producer, SASLOptions, logLevel } from 'kafkajs';
import { KafkaSaslCredentials } from '../events/kafka-sasl.credentials';
import { IntakeTransport } from './intake.transport';

/**
 * The intake client's Kafka: an idempotent producer, and a consumer in a group of its own starting
 * at the end of the topics (every client instance sees every reply; old replies are not re-read).
 */
export class KafkaIntakeTransport implements IntakeTransport {
  private readonly kafka: Kafka;
  private producer?: Producer;
  private consumer?: Consumer;

  constructor(
    brokers: readonly string[],
    private readonly clientId: string,
    sasl?: KafkaSaslCredentials,
  ) {
    this.kafka = new Kafka({
      clientId,
      brokers: [...brokers],
      ...(sasl ? { sasl: { ...sasl } as SASLOptions } : {}),
      logLevel: logLevel.WARN,
    });
  }

  async send(topic: string, key: string, value: string): Promise<void> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
      await this.producer.connect();
    }
    await this.producer.send({ topic, acks: -1, messages: [{ key, value }] });
  }

  async subscribe(
    topics: readonly string[],
    onMessage: (topic: string, value: Buffer | null) => void,
  ): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: `${this.clientId}-${randomBytes(6).toString('hex')}`,
      maxWaitTimeInMs: 250,
      // The platform creates its topics; a publisher never does.
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    // Joined and fetched once: the partitions' start offsets are fixed, so nothing sent from now
    // on is missed.
    const ready = new Promise<void>((resolve) => {
      const offJoin = consumer.on(consumer.events.GROUP_JOIN, () => {
        offJoin();
        const offFetch = consumer.on(consumer.events.FETCH, () => {
          offFetch();
          resolve();
        });
      });
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ topic, message }) => onMessage(topic, message.value),
    });
    await ready;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    this.consumer = undefined;
    this.producer = undefined;
  }
}
