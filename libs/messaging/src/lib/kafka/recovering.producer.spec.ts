import { Logger } from '@nestjs/common';
import { KafkaJSNonRetriableError, KafkaJSProtocolError, Producer } from 'kafkajs';
import { RecoveringProducer } from './recovering.producer';

/** A stand-in for kafkajs' producer: each send takes the next scripted outcome. */
class FakeProducer {
  readonly sent: unknown[] = [];
  connects = 0;
  disconnects = 0;
  constructor(
    private readonly outcomes: (Error | 'ok')[],
    private readonly connectFailures = 0,
  ) {}

  async connect() {
    this.connects++;
    if (this.connects <= this.connectFailures) throw new Error('Connection error: ECONNREFUSED');
  }
  async disconnect() {
    this.disconnects++;
  }
  async send(record: unknown) {
    return this.next(record);
  }
  async sendBatch(batch: unknown) {
    return this.next(batch);
  }
  private next(payload: unknown) {
    const outcome = this.outcomes.shift() ?? 'ok';
    if (outcome !== 'ok') throw outcome;
    this.sent.push(payload);
    return [];
  }
}

// How kafkajs' retrier hands over a broker answer it will not retry.
function brokerSaid(type: string): Error {
  const answer = new KafkaJSProtocolError({ message: type, type, retriable: false } as never);
  return Object.assign(new KafkaJSNonRetriableError(answer), { cause: answer });
}

const batch = { topicMessages: [{ topic: 't', messages: [{ key: 'k', value: 'v' }] }] };

beforeAll(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));

function producerOver(...fakes: FakeProducer[]) {
  const made: FakeProducer[] = [];
  const producer = new RecoveringProducer(() => {
    const next = fakes[made.length];
    made.push(next);
    return next as unknown as Producer;
  });
  return { producer, made };
}

describe('RecoveringProducer', () => {
  it.each(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH'])(
    'replaces the producer after %s and sends the retry on the new one',
    async (type) => {
      const first = new FakeProducer([brokerSaid(type), brokerSaid(type)]);
      const second = new FakeProducer([]);
      const { producer, made } = producerOver(first, second);
      await producer.connect();

      await expect(producer.sendBatch(batch)).rejects.toThrow(type);
      await producer.sendBatch(batch);

      expect(made).toEqual([first, second]);
      expect(first.disconnects).toBe(1);
      expect(second.connects).toBe(1);
      expect(second.sent).toEqual([batch]);
    },
  );

  it('keeps the producer through failures that are not about its state', async () => {
    const first = new FakeProducer([new Error('Connection error: ECONNREFUSED'), 'ok']);
    const { producer, made } = producerOver(first);
    await producer.connect();

    await expect(producer.send({ topic: 't', messages: [] })).rejects.toThrow('ECONNREFUSED');
    await producer.send({ topic: 't', messages: [] });

    expect(made).toHaveLength(1);
    expect(first.disconnects).toBe(0);
    expect(first.sent).toHaveLength(1);
  });

  it('tries the replacement’s connect again on the next send when Kafka is still away', async () => {
    const first = new FakeProducer([brokerSaid('OUT_OF_ORDER_SEQUENCE_NUMBER')]);
    const second = new FakeProducer([], 1);
    const { producer } = producerOver(first, second);
    await producer.connect();

    await expect(producer.sendBatch(batch)).rejects.toThrow('OUT_OF_ORDER');
    await expect(producer.sendBatch(batch)).rejects.toThrow('ECONNREFUSED');
    await producer.sendBatch(batch);

    expect(second.connects).toBe(2);
    expect(second.sent).toEqual([batch]);
  });

  it('replaces once when concurrent sends fail on the same producer', async () => {
    const type = 'OUT_OF_ORDER_SEQUENCE_NUMBER';
    const first = new FakeProducer([brokerSaid(type), brokerSaid(type)]);
    const second = new FakeProducer([]);
    const { producer, made } = producerOver(first, second);
    await producer.connect();

    const results = await Promise.allSettled([
      producer.sendBatch(batch),
      producer.sendBatch(batch),
    ]);

    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(made).toEqual([first, second]);
  });

  it('refuses to send before connect and after disconnect', async () => {
    const { producer } = producerOver(new FakeProducer([]));
    await expect(producer.sendBatch(batch)).rejects.toThrow('not connected');
    await producer.connect();
    await producer.disconnect();
    await expect(producer.sendBatch(batch)).rejects.toThrow('not connected');
  });
});
