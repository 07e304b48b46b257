import { planKeyParallelBatch } from './key-parallel-batch.plan';

const batch = (keys: (string | null)[]) =>
  keys.map((key, i) => ({ key: key === null ? null : Buffer.from(key), offset: String(100 + i) }));

/** Each chunk as its lanes' offsets. */
const shape = (keys: (string | null)[], keyConcurrency: number) =>
  planKeyParallelBatch(batch(keys), keyConcurrency).map((chunk) =>
    chunk.lanes.map((lane) => lane.map((i) => chunk.messages[i].offset)),
  );

describe('planKeyParallelBatch', () => {
  it('gives each key one lane, in batch order', () => {
    expect(shape(['a', 'b', 'a', 'c', 'b', 'a'], 8)).toEqual([
      [['100', '102', '105'], ['101', '104'], ['103']],
    ]);
  });

  it('starts a new chunk where a message would bring in one key too many', () => {
    expect(shape(['a', 'b', 'a', 'c', 'b', 'c'], 2)).toEqual([
      [['100', '102'], ['101']],
      [['103', '105'], ['104']],
    ]);
  });

  it('puts every null-key message in one lane', () => {
    expect(shape([null, 'a', null, null], 8)).toEqual([[['100', '102', '103'], ['101']]]);
  });

  it('is strictly serial with a key concurrency of 1', () => {
    const chunks = shape(['a', 'a', 'b', 'a', null, null], 1);
    expect(chunks).toEqual([[['100', '101']], [['102']], [['103']], [['104', '105']]]);
    expect(chunks.flat(2)).toEqual(['100', '101', '102', '103', '104', '105']);
  });

  it('tells string and Buffer keys apart by their bytes only', () => {
    const plan = planKeyParallelBatch(
      [
        { key: 'acme/pg', offset: '1' },
        { key: Buffer.from('acme/pg'), offset: '2' },
        { key: Buffer.from([0xff]), offset: '3' },
        { key: Buffer.from([0xfe]), offset: '4' },
      ],
      8,
    );
    expect(plan[0].lanes).toEqual([[0, 1], [2], [3]]);
  });

  it('plans nothing for an empty batch and refuses a key concurrency below 1', () => {
    expect(planKeyParallelBatch([], 4)).toEqual([]);
    expect(() => planKeyParallelBatch(batch(['a']), 0)).toThrow(/positive integer/);
  });
});
