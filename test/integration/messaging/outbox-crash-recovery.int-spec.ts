import { collectTopic, expectEventually } from '@enclave/testing';
import { MessagingHarness } from './messaging-harness';

const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7'];

/**
 * Outbox row → event handled exactly once, even though the relay and the consumer are SIGKILLed and
 * SIGTERMed mid-stream and restarted; events stay in order per key; a rolled-back transaction
 * publishes nothing.
 */
describe('outbox → Kafka → consumer under crashes', () => {
  const h = new MessagingHarness();
  const RELAY_SCHEMA = 'fx_relay';
  let written = 0;
  const seqByKey = new Map<string, number>();

  beforeAll(() => h.setUp(), 60_000);
  afterAll(() => h.tearDown());

  /** Commits `count` events (round-robin over keys) plus a state row, in one transaction. */
  async function write(count: number): Promise<void> {
    const outbox = h.outbox(RELAY_SCHEMA);
    await h.dataSource.transaction(async (tx) => {
      for (let i = 0; i < count; i++) {
        const key = KEYS[written % KEYS.length];
        const seq = (seqByKey.get(key) ?? 0) + 1;
        seqByKey.set(key, seq);
        await outbox.append(tx, h.FixturePing, { key, seq, fail: 'never' }, { tenantId: 'acme' });
        written += 1;
      }
    });
  }

  async function effectCount(): Promise<number> {
    const [{ count }] = await h.dataSource.query(
      'SELECT count(*)::int AS count FROM public.fixture_effects',
    );
    return count;
  }

  it('delivers every committed event exactly once across kills and restarts', async () => {
    const relay = h.fixture('relay');
    const consumer = h.fixture('consumer', { HANDLER_DELAY_MS: '3' });
    relay.process.start();
    consumer.process.start();
    await Promise.all([
      relay.process.waitForHttp(relay.health),
      consumer.process.waitForHttp(consumer.health),
    ]);
    const wire = await collectTopic(h.kafka, [h.topic]);

    // A rolled-back transaction: its events must never reach Kafka.
    const rolledBack: string[] = [];
    await h.dataSource
      .transaction(async (tx) => {
        for (let i = 0; i < 3; i++) {
          const env = await h
            .outbox(RELAY_SCHEMA)
            .append(
              tx,
              h.FixturePing,
              { key: 'ghost', seq: i, fail: 'never' },
              { tenantId: 'acme' },
            );
          rolledBack.push(env.id);
        }
        throw new Error('business rule failed after the events were appended');
      })
      .catch(() => undefined);

    for (let i = 0; i < 10; i++) await write(20);
    await expectEventually(async () => expect(await effectCount()).toBeGreaterThanOrEqual(40));
    await consumer.process.stop('SIGKILL');
    // Kill the relay while transactions keep committing: some rows are published, some are not.
    const writing = (async () => {
      for (let i = 0; i < 20; i++) await write(20);
    })();
    await expectEventually(() => expect(written).toBeGreaterThanOrEqual(300), { intervalMs: 2 });
    await relay.process.stop('SIGKILL');
    await writing;

    relay.process.start();
    consumer.process.start();
    await expectEventually(async () => expect(await effectCount()).toBeGreaterThanOrEqual(350), {
      timeoutMs: 60_000,
    });
    // Graceful stop mid-stream: the event in flight finishes, nothing is lost.
    await consumer.process.stop('SIGTERM');
    const more = (async () => {
      for (let i = 0; i < 10; i++) await write(20);
    })();
    await expectEventually(() => expect(written).toBeGreaterThanOrEqual(700), { intervalMs: 2 });
    await relay.process.stop('SIGKILL');
    await more;
    relay.process.start();
    consumer.process.start();

    await expectEventually(async () => expect(await effectCount()).toBe(written), {
      timeoutMs: 90_000,
    });
    expect(written).toBe(800);

    const effects = await h.effects();
    const perEvent = new Map<string, number>();
    for (const e of effects) perEvent.set(e.event_id, (perEvent.get(e.event_id) ?? 0) + 1);
    expect([...perEvent.values()].every((n) => n === 1)).toBe(true);
    expect(perEvent.size).toBe(written);

    // Order per key: each key's effects were committed in the order its events were written.
    for (const key of KEYS) {
      const seqs = effects.filter((e) => e.key === key).map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(seqs).toHaveLength(seqByKey.get(key)!);
    }

    await expectEventually(async () => {
      const [{ count }] = await h.dataSource.query(
        `SELECT count(*)::int AS count FROM ${RELAY_SCHEMA}.outbox`,
      );
      expect(count).toBe(0);
    });
    await expectEventually(() =>
      expect(
        new Set(wire.messages.map((m) => JSON.parse(m.message.value!.toString()).id)).size,
      ).toBe(written),
    );
    const onWire = wire.messages.map((m) => JSON.parse(m.message.value!.toString()).id as string);
    expect(onWire.filter((id) => rolledBack.includes(id))).toEqual([]);
    // Re-sends after a relay crash are expected on the wire; the consumer absorbed them.
    process.stdout.write(
      `outbox crash test: ${onWire.length} messages on the wire for ${written} events\n`,
    );
    await wire.stop();
  }, 240_000);
});
