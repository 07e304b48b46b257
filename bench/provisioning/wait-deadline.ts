/**
 * How long the throughput phase waits, from its first POST, before it reports what is unfinished:
 * `baseMs + perRegistrationMs × N`, unless `fixedMs` is set. The default (60 s + 1 s each) assumes
 * at least 1 registration/s, under half the slowest rate seen (823 Ready in 300 s at N = 1,000), so
 * a late registration is stuck rather than slow.
 */
export interface WaitDeadline {
  readonly baseMs: number;
  readonly perRegistrationMs: number;
  readonly fixedMs?: number;
}

export const DEFAULT_WAIT_DEADLINE: WaitDeadline = { baseMs: 60_000, perRegistrationMs: 1_000 };

export function deadlineMs(n: number, deadline: WaitDeadline): number {
  return deadline.fixedMs ?? deadline.baseMs + deadline.perRegistrationMs * n;
}

/**
 * From BENCH_DEADLINE_BASE_MS, BENCH_DEADLINE_PER_REGISTRATION_MS and BENCH_THROUGHPUT_DEADLINE_MS
 * (fixed, e.g. to force late registrations); a value that is not a non-negative number is an error.
 */
export function waitDeadlineFromEnv(env: NodeJS.ProcessEnv): WaitDeadline {
  const read = (name: string): number | undefined => {
    const text = env[name];
    if (text === undefined || text === '') return undefined;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`${name}=${text}: not a number of milliseconds`);
    return value;
  };
  const fixedMs = read('BENCH_THROUGHPUT_DEADLINE_MS');
  return {
    baseMs: read('BENCH_DEADLINE_BASE_MS') ?? DEFAULT_WAIT_DEADLINE.baseMs,
    perRegistrationMs:
      read('BENCH_DEADLINE_PER_REGISTRATION_MS') ?? DEFAULT_WAIT_DEADLINE.perRegistrationMs,
    ...(fixedMs === undefined ? {} : { fixedMs }),
  };
}
