import { deadLetterTopicOf } from '@enclave/contracts';
import { collectTopic, expectEventually } from '@enclave/testing';
import { Producer } from 'kafkajs';
import { MessagingHarness } from './messaging-harness';

describe('event consumer on a real broker', () => {
  const h = new MessagingHarness();
  let producer: Producer;
  let dlq: Awaited<ReturnType<typeof collectTopic>>;

  beforeAll(async () => {
    await h.setUp();
    const consumer = h.fixture('consumer');
    consumer.process.start();
    await consumer.process.waitForHttp(consumer.health);
    producer = h.kafka.producer();
    await producer.connect();
    dlq = await collectTopic(h.kafka, [deadLetterTopicOf(h.topic)]);
  }, 60_000);

  afterAll(async () => {
    await dlq?.stop();
    await producer?.disconnect();
    await h.tearDown();
  });

  const send = (key: string, value: string) =>
    producer.send({ topic: h.topic, messages: [{ key, value }] });
  const effectsFor = async (id: string) => (await h.effects()).filter((e) => e.event_id === id);
  const deadLetterFor = (predicate: (headers: Record<string, string>) => boolean) =>
    dlq.messages
      .map((m) => ({
        value: m.message.value?.toString(),
        headers: Object.fromEntries(
          Object.entries(m.message.headers ?? {}).map(([k, v]) => [k, String(v)]),
        ),
      }))
      .find((m) => predicate(m.headers));

  it('handles a duplicated delivery once', async () => {
    const event = h.envelope({ key: 'dup', seq: 1 });
    const marker = h.envelope({ key: 'dup', seq: 2 });
    await send('dup', JSON.stringify(event));
    await send('dup', JSON.stringify(event));
    await send('dup', JSON.stringify(marker));
    // The marker follows both copies on the same partition: once it is handled, so were they.
    await expectEventually(async () => expect(await effectsFor(marker.id)).toHaveLength(1));
    expect(await effectsFor(event.id)).toHaveLength(1);
  });

  it('acknowledges an event its handler is not concerned with, without a transaction or a record', async () => {
    const ignored = h.envelope({ key: 'not-mine', seq: -1, fail: 'poison' });
    const marker = h.envelope({ key: 'not-mine', seq: 2 });
    await send('not-mine', JSON.stringify(ignored));
    await send('not-mine', JSON.stringify(marker));
    await expectEventually(async () => expect(await effectsFor(marker.id)).toHaveLength(1));
    expect(await effectsFor(ignored.id)).toHaveLength(0);
    // Never handled (a poison ping would be dead-lettered at once), never claimed.
    expect(deadLetterFor((hd) => (hd['x-dlq-reason'] ?? '').includes('ping -1'))).toBeUndefined();
    const claimed = await h.dataSource.query(
      'SELECT count(*)::int AS n FROM fx_consumer.processed_event WHERE event_id = ANY($1)',
      [[ignored.id, marker.id]],
    );
    expect(claimed).toEqual([{ n: 1 }]);
  });

  it('dead-letters a malformed event with its cause and handles the next one', async () => {
    const next = h.envelope({ key: 'poison-json', seq: 2 });
    await send('poison-json', '{"this is": not json');
    await send('poison-json', JSON.stringify(next));
    await expectEventually(async () => expect(await effectsFor(next.id)).toHaveLength(1));
    const letter = await expectEventually(() => {
      const found = deadLetterFor((hd) => hd['x-dlq-reason']?.startsWith('malformed-json'));
      expect(found).toBeDefined();
      return found!;
    });
    expect(letter.value).toBe('{"this is": not json');
    expect(letter.headers['x-dlq-source-topic']).toBe(h.topic);
    expect(letter.headers['x-dlq-consumer-group']).toBe('enclave.fixture-consumer');
    expect(letter.headers['x-dlq-attempts']).toBe('1');
  });

  it('dead-letters an event whose payload breaks the contract', async () => {
    const bad = {
      ...h.envelope({ key: 'bad-payload', seq: 1 }),
      payload: { key: 'bad-payload', seq: 'one' },
    };
    await send('bad-payload', JSON.stringify(bad));
    const letter = await expectEventually(() => {
      const found = deadLetterFor((hd) => (hd['x-dlq-reason'] ?? '').includes('invalid-payload'));
      expect(found).toBeDefined();
      return found!;
    });
    expect(letter.headers['x-dlq-reason']).toMatch(/seq/);
    expect(await effectsFor(bad.id)).toHaveLength(0);
  });

  it('dead-letters at once an error that declares itself permanent', async () => {
    const event = h.envelope({ key: 'permanent', seq: 1, fail: 'poison' });
    await send('permanent', JSON.stringify(event));
    const letter = await expectEventually(() => {
      const found = deadLetterFor((hd) => (hd['x-dlq-reason'] ?? '').includes('can never succeed'));
      expect(found).toBeDefined();
      return found!;
    });
    expect(letter.headers['x-dlq-attempts']).toBe('1');
  });

  it('retries a failing handler with backoff, then dead-letters it after the last attempt', async () => {
    const event = h.envelope({ key: 'exhausted', seq: 1, fail: 'always' });
    await send('exhausted', JSON.stringify(event));
    const letter = await expectEventually(() => {
      const found = deadLetterFor((hd) => (hd['x-dlq-reason'] ?? '').includes('keeps failing'));
      expect(found).toBeDefined();
      return found!;
    });
    expect(letter.headers['x-dlq-attempts']).toBe('3');
    expect(await effectsFor(event.id)).toHaveLength(0);
  });

  it('handles a flaky event once after transient failures, without dead-lettering it', async () => {
    const event = h.envelope({ key: 'flaky', seq: 1, fail: 'twice' });
    const marker = h.envelope({ key: 'flaky', seq: 2 });
    await send('flaky', JSON.stringify(event));
    await send('flaky', JSON.stringify(marker));
    await expectEventually(async () => expect(await effectsFor(marker.id)).toHaveLength(1));
    const effects = await effectsFor(event.id);
    expect(effects).toHaveLength(1);
    expect(effects[0].attempt).toBe(3);
    expect(
      deadLetterFor((hd) => (hd['x-dlq-reason'] ?? '').includes(`ping 1 flaky`)),
    ).toBeUndefined();
  });
});
