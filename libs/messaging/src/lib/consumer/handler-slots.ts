/**
 * A counting semaphore over the handlers' database transactions: one replica never has more of them
 * open than its pool can serve, however many partitions and keys are in flight. Waiters are served
 * in arrival order.
 */
export class HandlerSlots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new Error(`handler slots must be a positive integer, got ${size}`);
    this.free = size;
  }

  /**
   * Slots for a replica: partitions × keys in flight, but at most one less than the pool, so the
   * outbox relay, health probes and the API still get a connection while every slot is taken.
   */
  static forPool(poolSize: number, partitions: number, keyConcurrency: number): HandlerSlots {
    return new HandlerSlots(Math.max(1, Math.min(partitions * keyConcurrency, poolSize - 1)));
  }

  get inUse(): number {
    return this.size - this.free;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter, if any.
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}
