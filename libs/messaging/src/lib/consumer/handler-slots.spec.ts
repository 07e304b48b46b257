import { HandlerSlots } from './handler-slots';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('HandlerSlots', () => {
  it('keeps at most its size of work running and serves waiters in order', async () => {
    const slots = new HandlerSlots(2);
    const releases: (() => void)[] = [];
    const order: number[] = [];
    const work = (n: number) =>
      slots.run(
        () =>
          new Promise<void>((resolve) => {
            order.push(n);
            releases[n] = resolve;
          }),
      );
    const all = Promise.all([1, 2, 3, 4].map(work));
    await settle();
    expect(order).toEqual([1, 2]);
    expect(slots.inUse).toBe(2);
    releases[2]();
    await settle();
    expect(order).toEqual([1, 2, 3]);
    releases[1]();
    releases[3]();
    await settle();
    releases[4]();
    await all;
    expect(order).toEqual([1, 2, 3, 4]);
    expect(slots.inUse).toBe(0);
  });

  it('frees the slot of work that throws', async () => {
    const slots = new HandlerSlots(1);
    await expect(slots.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(slots.run(async () => 'next')).resolves.toBe('next');
  });

  it('sizes a replica below its database pool', () => {
    expect(HandlerSlots.forPool(10, 6, 8).size).toBe(9);
    expect(HandlerSlots.forPool(10, 1, 1).size).toBe(1);
    expect(HandlerSlots.forPool(50, 6, 8).size).toBe(48);
    expect(HandlerSlots.forPool(1, 6, 8).size).toBe(1);
  });
});
