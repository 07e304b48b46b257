/** What a bounded run of many tenants' work did: time from the first start to the last end. */
export interface BoundedRunResult {
  readonly n: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly per_s: number;
  readonly failed: number;
  /** The first failures' messages (at most five), to tell what went wrong. */
  readonly errors: string[];
}

/**
 * Runs `work` once per item with at most `concurrency` calls in flight, as a client that keeps a
 * bounded number of calls open would; a failure is counted, not thrown, so one bad item does not
 * hide the figures of the rest.
 */
export async function boundedRun<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<unknown>,
): Promise<BoundedRunResult> {
  const queue = [...items];
  const errors: string[] = [];
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        try {
          await work(item);
        } catch (error) {
          failed++;
          if (errors.length < 5) errors.push((error as Error).message);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1_000;
  return {
    n: items.length,
    concurrency,
    seconds: Math.round(seconds * 10) / 10,
    per_s: seconds > 0 ? Math.round(((items.length - failed) / seconds) * 10) / 10 : 0,
    failed,
    errors,
  };
}
