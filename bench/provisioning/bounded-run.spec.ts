import { boundedRun } from './bounded-run';

describe('boundedRun', () => {
  it('never has more than `concurrency` calls in flight, and runs every item once', async () => {
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    const result = await boundedRun([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setImmediate(r));
      done.push(n);
      inFlight--;
    });
    expect(most).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(result).toMatchObject({ n: 7, concurrency: 3, failed: 0, errors: [] });
  });

  it('counts failures with their messages instead of throwing, and rates only what succeeded', async () => {
    const result = await boundedRun(['a', 'b', 'c'], 2, async (item) => {
      if (item !== 'a') throw new Error(`no ${item}`);
    });
    expect(result.failed).toBe(2);
    expect(result.errors.sort()).toEqual(['no b', 'no c']);
  });
});
