import { EachMessagePayload, Kafka } from 'kafkajs';
import { RawTopicConsumer, RawTopicSubscription } from './raw-topic.consumer';

class Reader extends RawTopicConsumer {
  readonly seen: EachMessagePayload[] = [];
  constructor(
    kafka: Kafka,
    private readonly what: RawTopicSubscription | undefined,
  ) {
    super(kafka);
  }
  protected async subscription() {
    return this.what;
  }
  protected async onMessage(payload: EachMessagePayload) {
    this.seen.push(payload);
  }
}

function fakeKafka(runFails = false) {
  const consumer = {
    connect: jest.fn(async () => undefined),
    subscribe: jest.fn(async () => undefined),
    run: jest.fn(async (config: { eachMessage(p: EachMessagePayload): Promise<void> }) => {
      if (runFails) throw new Error('not authorized');
      await config.eachMessage({ topic: 't1', partition: 0 } as EachMessagePayload);
    }),
    disconnect: jest.fn(async () => undefined),
  };
  const kafka = { consumer: jest.fn(() => consumer) } as unknown as Kafka;
  return { kafka, consumer };
}

describe('RawTopicConsumer', () => {
  it('reads its topics from the beginning in its own group and hands each message over', async () => {
    const { kafka, consumer } = fakeKafka();
    const reader = new Reader(kafka, { group: 'run.g', topics: ['t1', 't2'], concurrency: 3 });
    await reader.onApplicationBootstrap();
    expect(kafka.consumer).toHaveBeenCalledWith(expect.objectContaining({ groupId: 'run.g' }));
    expect(consumer.subscribe).toHaveBeenCalledWith({ topics: ['t1', 't2'], fromBeginning: true });
    expect(consumer.run).toHaveBeenCalledWith(
      expect.objectContaining({ partitionsConsumedConcurrently: 3 }),
    );
    expect(reader.seen).toEqual([{ topic: 't1', partition: 0 }]);
    await reader.beforeApplicationShutdown();
    expect(consumer.disconnect).toHaveBeenCalledTimes(1);
  });

  it('starts no consumer when there is nothing to read', async () => {
    const { kafka } = fakeKafka();
    await new Reader(kafka, undefined).onApplicationBootstrap();
    await new Reader(kafka, { group: 'g', topics: [] }).onApplicationBootstrap();
    expect(kafka.consumer).not.toHaveBeenCalled();
  });

  it('disconnects a consumer that failed to start, and fails the start-up with the cause', async () => {
    const { kafka, consumer } = fakeKafka(true);
    const reader = new Reader(kafka, { group: 'g', topics: ['t1'] });
    await expect(reader.onApplicationBootstrap()).rejects.toThrow('not authorized');
    expect(consumer.disconnect).toHaveBeenCalledTimes(1);
    await reader.beforeApplicationShutdown();
    expect(consumer.disconnect).toHaveBeenCalledTimes(1);
  });
});
