/** How long a starting app waits for a broker that is still electing leaders or loading. */
export const BROKER_SETTLING_MS = 90_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs a start-up step against Kafka until it succeeds. A broker that just restarted answers with
 * retriable errors (no leader yet, a partition not hosted here, the coordinator loading) until it
 * has settled: those are waited out with back-off, instead of ending the app's start-up; any other
 * error, or one still there after `settlingMs`, is thrown.
 */
export async function untilBrokerSettles<T>(
  step: () => Promise<T>,
  settlingMs = BROKER_SETTLING_MS,
  pause: (ms: number) => Promise<void> = sleep,
): Promise<T> {
  const deadline = Date.now() + settlingMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      const retriable = (error as { retriable?: unknown }).retriable === true;
      if (!retriable || Date.now() >= deadline) throw error;
      await pause(Math.min(5_000, 100 * 2 ** attempt));
    }
  }
}
