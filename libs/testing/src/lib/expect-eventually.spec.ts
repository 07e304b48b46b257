import { expectEventually } from './expect-eventually';

describe('expectEventually', () => {
  it('returns once the assertion passes', async () => {
    let calls = 0;
    const value = await expectEventually(
      () => {
        calls += 1;
        if (calls < 3) throw new Error('not yet');
        return calls;
      },
      { intervalMs: 1 },
    );
    expect(value).toBe(3);
  });

  it('fails with the last assertion error when time runs out', async () => {
    await expect(
      expectEventually(() => expect(1).toBe(2), { timeoutMs: 30, intervalMs: 5 }),
    ).rejects.toThrow(/not true within 30 ms[\s\S]*Expected: 2/);
  });
});
