import { DEFAULT_WAIT_DEADLINE, deadlineMs, waitDeadlineFromEnv } from './wait-deadline';

describe('deadlineMs', () => {
  it('is 60 s plus 1 s per registration by default', () => {
    expect(deadlineMs(20, DEFAULT_WAIT_DEADLINE)).toBe(80_000);
    expect(deadlineMs(200, DEFAULT_WAIT_DEADLINE)).toBe(260_000);
    // The run that crashed at a fixed 300 s with 823 of 1,000 Ready now waits 1,060 s.
    expect(deadlineMs(1_000, DEFAULT_WAIT_DEADLINE)).toBe(1_060_000);
  });

  it('takes a fixed deadline over the formula', () => {
    expect(deadlineMs(1_000, { ...DEFAULT_WAIT_DEADLINE, fixedMs: 1_500 })).toBe(1_500);
  });
});

describe('waitDeadlineFromEnv', () => {
  it('defaults when nothing is set', () => {
    expect(waitDeadlineFromEnv({})).toEqual(DEFAULT_WAIT_DEADLINE);
  });

  it('reads the base, the per-registration share and the fixed override', () => {
    expect(
      waitDeadlineFromEnv({
        BENCH_DEADLINE_BASE_MS: '10000',
        BENCH_DEADLINE_PER_REGISTRATION_MS: '500',
        BENCH_THROUGHPUT_DEADLINE_MS: '',
      }),
    ).toEqual({ baseMs: 10_000, perRegistrationMs: 500 });
    expect(waitDeadlineFromEnv({ BENCH_THROUGHPUT_DEADLINE_MS: '0' }).fixedMs).toBe(0);
  });

  it('refuses a value that is not a number of milliseconds', () => {
    expect(() => waitDeadlineFromEnv({ BENCH_DEADLINE_BASE_MS: '1m' })).toThrow(
      'BENCH_DEADLINE_BASE_MS=1m',
    );
    expect(() => waitDeadlineFromEnv({ BENCH_THROUGHPUT_DEADLINE_MS: '-5' })).toThrow(
      /not a number/,
    );
  });
});
