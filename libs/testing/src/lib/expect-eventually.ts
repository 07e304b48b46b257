export interface EventuallyOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/**
 * Re-runs an assertion until it passes or the time is up, then fails with the last assertion error.
 * Asynchronous outcomes are awaited this way, never with fixed sleeps.
 */
export async function expectEventually<T>(
  assertion: () => T | Promise<T>,
  { timeoutMs = 15_000, intervalMs = 50 }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const error = lastError instanceof Error ? lastError : new Error(String(lastError));
  error.message = `not true within ${timeoutMs} ms: ${error.message}`;
  throw error;
}
