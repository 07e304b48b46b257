import { runKeyParallelBatch } from './key-parallel-batch.runner';

interface Msg {
  key: string | null;
  offset: string;
}

const batch = (keys: (string | null)[]): Msg[] =>
  keys.map((key, i) => ({ key, offset: String(i) }));

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Handlers that finish only when the test says so, recording what started and what was resolved. */
function harness(opts: { running?: () => boolean } = {}) {
  const pending = new Map<string, { resolve: () => void; reject: (e: unknown) => void }>();
  const started: string[] = [];
  const resolved: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const hooks = {
    handle: (m: Msg) => {
      started.push(m.offset);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise<void>((resolve, reject) =>
        pending.set(m.offset, {
          resolve: () => {
            inFlight--;
            resolve();
          },
          reject: (e) => {
            inFlight--;
            reject(e);
          },
        }),
      );
    },
    proceed: opts.running ?? (() => true),
    progress: async (offset: string) => {
      resolved.push(offset);
    },
  };
  const finish = async (offset: string) => {
    pending.get(offset)!.resolve();
    await settle();
  };
  const fail = async (offset: string, error: unknown) => {
    pending.get(offset)!.reject(error);
    await settle();
  };
  return {
    hooks,
    started,
    resolved,
    finish,
    fail,
    get maxInFlight() {
      return maxInFlight;
    },
  };
}

describe('runKeyParallelBatch', () => {
  it("handles different keys at once and one key's messages one after another", async () => {
    const h = harness();
    const run = runKeyParallelBatch(batch(['a', 'b', 'a', 'c']), 8, h.hooks);
    await settle();
    expect(h.started).toEqual(['0', '1', '3']);
    await h.finish('0');
    expect(h.started).toEqual(['0', '1', '3', '2']);
    await h.finish('1');
    await h.finish('3');
    await h.finish('2');
    await run;
    expect(h.maxInFlight).toBe(3);
    expect(h.resolved.at(-1)).toBe('3');
  });

  it('never resolves past an unfinished message', async () => {
    const h = harness();
    const run = runKeyParallelBatch(batch(['a', 'b', 'c', 'b']), 8, h.hooks);
    await settle();
    await h.finish('1');
    await h.finish('2');
    await h.finish('3');
    // 0 (key a) is still running: nothing may be resolved, whatever finished after it.
    expect(h.resolved).toEqual([]);
    await h.finish('0');
    await run;
    expect(h.resolved).toEqual(['3']);
  });

  it('resolves the finished prefix as it grows', async () => {
    const h = harness();
    const run = runKeyParallelBatch(batch(['a', 'a', 'b']), 8, h.hooks);
    await settle();
    await h.finish('2');
    expect(h.resolved).toEqual([]);
    await h.finish('0');
    expect(h.resolved).toEqual(['0']);
    await h.finish('1');
    await run;
    expect(h.resolved).toEqual(['0', '2']);
  });

  it('is strictly serial with a key concurrency of 1', async () => {
    const h = harness();
    const run = runKeyParallelBatch(batch(['a', 'b', null, 'c']), 1, h.hooks);
    for (const offset of ['0', '1', '2', '3']) {
      await settle();
      expect(h.started.at(-1)).toBe(offset);
      await h.finish(offset);
      expect(h.resolved.at(-1)).toBe(offset);
    }
    await run;
    expect(h.maxInFlight).toBe(1);
    expect(h.started).toEqual(['0', '1', '2', '3']);
  });

  it('starts no more than the key concurrency, then the next chunk once the first is done', async () => {
    const h = harness();
    const run = runKeyParallelBatch(batch(['a', 'b', 'c', 'd']), 2, h.hooks);
    await settle();
    expect(h.started).toEqual(['0', '1']);
    await h.finish('1');
    expect(h.started).toEqual(['0', '1']);
    await h.finish('0');
    expect(h.started).toEqual(['0', '1', '2', '3']);
    await h.finish('2');
    await h.finish('3');
    await run;
    expect(h.maxInFlight).toBe(2);
  });

  it('on a failure starts nothing new, lets the others finish and rethrows without resolving past it', async () => {
    const h = harness();
    const run = runKeyParallelBatch(batch(['a', 'b', 'a', 'b', 'c']), 8, h.hooks);
    const outcome = run.then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    await settle();
    expect(h.started).toEqual(['0', '1', '4']);
    await h.fail('1', new Error('closing'));
    await h.finish('0');
    await h.finish('4');
    expect(await outcome).toBe('closing');
    // 2 (key a) was not started after the failure; 3 (key b, after the failed 1) never.
    expect(h.started).toEqual(['0', '1', '4']);
    expect(h.resolved).toEqual(['0']);
  });

  it('stops starting messages once the consumer stops, and resolves only what finished in order', async () => {
    let running = true;
    const h = harness({ running: () => running });
    const run = runKeyParallelBatch(batch(['a', 'a', 'b', 'c', 'd']), 2, h.hooks);
    await settle();
    expect(h.started).toEqual(['0', '2']);
    running = false;
    await h.finish('0');
    await h.finish('2');
    await run;
    // 1 (key a) and the second chunk never started; 2 finished but 1 before it did not.
    expect(h.started).toEqual(['0', '2']);
    expect(h.resolved).toEqual(['0']);
  });

  it('rethrows a failed progress report (a heartbeat during a rebalance) after the lanes stop', async () => {
    const h = harness();
    const rebalance = new Error('rebalance in progress');
    const run = runKeyParallelBatch(batch(['a', 'a', 'b']), 8, {
      ...h.hooks,
      progress: () => Promise.reject(rebalance),
    });
    const outcome = run.then(
      () => undefined,
      (e: unknown) => e,
    );
    await settle();
    await h.finish('0');
    await h.finish('2');
    expect(await outcome).toBe(rebalance);
    expect(h.started).toEqual(['0', '2']);
  });
});
