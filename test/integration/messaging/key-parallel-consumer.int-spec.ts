import { expectEventually } from '@enclave/testing';
import { Producer } from 'kafkajs';
import { MessagingHarness } from './messaging-harness';

/**
 * One partition, many keys (tenant registrations): a replica handles different keys' events at once,
 * at most as many as its database pool allows (DATABASE_POOL_SIZE 4: 3 handler slots), keeps each
 * key's events in order, and loses nothing when killed or stopped mid-batch.
 */
describe('key-parallel consumption of one partition on a real broker', () => {
  const h = new MessagingHarness();
  let producer: Producer;
  const seqByKey = new Map<string, number>();

  beforeAll(async () => {
    await h.setUp();
    producer = h.kafka.producer();
    await producer.connect();
  }, 60_000);

  afterAll(async () => {
    await producer?.disconnect();
    await h.tearDown();
  });

  /** `rounds` events per key, round-robin over the keys, all on partition 0; returns their ids. */
  async function sendToOnePartition(keys: string[], rounds: number): Promise<string[]> {
    const messages = [];
    for (let r = 0; r < rounds; r++) {
      for (const key of keys) {
        const seq = (seqByKey.get(key) ?? 0) + 1;
        seqByKey.set(key, seq);
        const envelope = h.envelope({ key, seq });
        messages.push({ key, value: JSON.stringify(envelope), partition: 0, id: envelope.id });
      }
    }
    await producer.send({
      topic: h.topic,
      messages: messages.map(({ key, value, partition }) => ({ key, value, partition })),
    });
    return messages.map((m) => m.id);
  }

  async function startConsumer(env: NodeJS.ProcessEnv) {
    const consumer = h.fixture('consumer', env);
    consumer.process.start();
    await consumer.process.waitForHttp(consumer.health);
    return consumer.process;
  }

  const effectsOf = async (ids: string[]) =>
    (await h.effects()).filter((e) => ids.includes(e.event_id));

  function expectInOrderPerKey(effects: { key: string; seq: number }[], keys: string[]) {
    for (const key of keys) {
      const seqs = effects.filter((e) => e.key === key).map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
  }

  it("handles different keys' events of one partition at once, bounded below the pool, each key in order", async () => {
    const consumer = await startConsumer({
      // Each handler waits for 6 keys in flight: only the 3 slots of a 4-connection pool ever are.
      HANDLER_BARRIER: '6',
      HANDLER_BARRIER_TIMEOUT_MS: '700',
    });
    const keys = ['t0', 't1', 't2', 't3', 't4', 't5'];
    const ids = await sendToOnePartition(keys, 3);
    await expectEventually(async () => expect(await effectsOf(ids)).toHaveLength(ids.length), {
      timeoutMs: 30_000,
    });
    const effects = await effectsOf(ids);
    expect(Math.max(...effects.map((e) => e.in_flight))).toBe(3);
    expect(new Set(effects.map((e) => e.event_id)).size).toBe(ids.length);
    expectInOrderPerKey(effects, keys);
    await consumer.stop('SIGTERM');
  }, 60_000);

  it('handles one event at a time per partition with KAFKA_CONSUMER_KEY_CONCURRENCY=1', async () => {
    const consumer = await startConsumer({
      KAFKA_CONSUMER_KEY_CONCURRENCY: '1',
      HANDLER_BARRIER: '2',
      HANDLER_BARRIER_TIMEOUT_MS: '150',
    });
    const keys = ['s0', 's1', 's2'];
    const ids = await sendToOnePartition(keys, 2);
    await expectEventually(async () => expect(await effectsOf(ids)).toHaveLength(ids.length), {
      timeoutMs: 30_000,
    });
    const effects = await effectsOf(ids);
    expect(effects.every((e) => e.in_flight === 1)).toBe(true);
    // Serial: the partition's order, across keys too.
    expect(effects.map((e) => e.event_id)).toEqual(ids);
    await consumer.stop('SIGTERM');
  }, 60_000);

  it('redelivers what was unfinished when killed or stopped mid-batch, and loses nothing', async () => {
    const keys = ['c0', 'c1', 'c2', 'c3', 'c4'];
    const ids = await sendToOnePartition(keys, 12);
    const env = { HANDLER_DELAY_MS: '150' };
    let consumer = await startConsumer(env);
    await expectEventually(async () => expect((await effectsOf(ids)).length).toBeGreaterThan(10));
    await consumer.stop('SIGKILL');
    const afterKill = (await effectsOf(ids)).length;
    expect(afterKill).toBeLessThan(ids.length);

    consumer = await startConsumer(env);
    await expectEventually(async () =>
      expect((await effectsOf(ids)).length).toBeGreaterThan(afterKill + 10),
    );
    // Graceful stop mid-batch: the handlers in flight finish, nothing new starts.
    await consumer.stop('SIGTERM');
    expect((await effectsOf(ids)).length).toBeLessThan(ids.length);

    consumer = await startConsumer(env);
    await expectEventually(async () => expect(await effectsOf(ids)).toHaveLength(ids.length), {
      timeoutMs: 60_000,
    });
    const effects = await effectsOf(ids);
    expect(new Set(effects.map((e) => e.event_id)).size).toBe(ids.length);
    expectInOrderPerKey(effects, keys);
    await consumer.stop('SIGTERM');
  }, 120_000);
});
