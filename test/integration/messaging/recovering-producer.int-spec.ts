import { RecoveringProducer, createProducer, ensureTopics } from '@enclave/messaging';
import { collectTopic, expectEventually, recordExercised, testInfra } from '@enclave/testing';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { ISocketFactory, Kafka, Producer, SASLOptions, logLevel } from 'kafkajs';

/**
 * The broker crash that left kafkajs' idempotent producer stuck, replayed on a real broker without
 * killing it: the network loses the answer to a produce the broker has written, and stays down
 * until kafkajs gives up. kafkajs then rolls that batch's sequence numbers back, so the caller's
 * next, larger batch repeats numbers the broker has seen: OUT_OF_ORDER_SEQUENCE_NUMBER, forever.
 */
class LossyNetwork {
  losing = false;

  /** While losing, any byte from the broker kills its connection before kafkajs reads it. */
  readonly socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket = net.connect({ host, port }, onConnect);
    const on = socket.on.bind(socket);
    socket.on = ((event: string, listener: (...args: unknown[]) => void) =>
      on(event, (...args: unknown[]) => {
        if (event === 'data' && this.losing)
          socket.destroy(new Error('connection lost (injected)'));
        else listener(...args);
      })) as typeof socket.on;
    return socket;
  };
}

describe('idempotent producer after a lost produce answer (real Kafka)', () => {
  const { kafkaBrokers: brokers, kafkaSasl: sasl } = testInfra();
  const network = new LossyNetwork();
  const kafka = new Kafka({
    clientId: `it-lossy-${randomUUID().slice(0, 8)}`,
    brokers,
    ...(sasl ? { sasl: { ...sasl } as SASLOptions } : {}),
    socketFactory: network.socketFactory,
    retry: { initialRetryTime: 50, retries: 2 },
    logLevel: logLevel.NOTHING,
  });
  const batch = (topic: string, ...values: string[]) => ({
    topicMessages: [{ topic, messages: values.map((value) => ({ key: 'k', value })) }],
  });

  /** One message acknowledged, then one written by the broker whose answer is lost. */
  async function loseAnAnswer(producer: Pick<Producer, 'sendBatch'>, topic: string) {
    await producer.sendBatch(batch(topic, 'a'));
    network.losing = true;
    try {
      await expect(producer.sendBatch(batch(topic, 'x'))).rejects.toThrow();
    } finally {
      network.losing = false;
    }
  }

  async function freshTopic(): Promise<string> {
    const topic = `it.recovering-producer.${randomUUID().slice(0, 8)}`;
    await ensureTopics(kafka, [topic], 1);
    return topic;
  }

  async function valuesOf(topic: string, count: number): Promise<string[]> {
    const collector = await collectTopic(kafka, [topic]);
    try {
      return await expectEventually(() => {
        expect(collector.messages).toHaveLength(count);
        return collector.messages.map((m) => m.message.value!.toString());
      });
    } finally {
      await collector.stop();
    }
  }

  it('plain kafkajs: every later send is refused (the upstream bug this works around)', async () => {
    const topic = await freshTopic();
    const producer = createProducer(kafka);
    await producer.connect();
    try {
      await loseAnAnswer(producer, topic);
      for (let attempt = 0; attempt < 3; attempt++) {
        await expect(producer.sendBatch(batch(topic, 'x', 'y'))).rejects.toThrow(
          /out of order sequence number/i,
        );
      }
      expect(await valuesOf(topic, 2)).toEqual(['a', 'x']);
    } finally {
      await producer.disconnect();
    }
  }, 60_000);

  it('RecoveringProducer: the caller’s next send goes through; nothing is lost', async () => {
    const topic = await freshTopic();
    const producer = new RecoveringProducer(() => createProducer(kafka));
    await producer.connect();
    try {
      await loseAnAnswer(producer, topic);
      // The outbox relay's way: send what is still unacknowledged (and what came since) until it
      // is acknowledged. The first try meets the stale sequence and gets a new producer.
      await expect(producer.sendBatch(batch(topic, 'x', 'y'))).rejects.toThrow(/out of order/i);
      await producer.sendBatch(batch(topic, 'x', 'y'));
      // 'x' twice: written once unacknowledged, once again; consumers drop the repeat by event id.
      expect(await valuesOf(topic, 4)).toEqual(['a', 'x', 'x', 'y']);
      recordExercised('Kafka', `${brokers.join(',')}: idempotent producer recovery`);
    } finally {
      await producer.disconnect();
    }
  }, 60_000);
});
