/**
 * How much a fuzz run generates: small by default (the e2e suite of the CI command), the brief's
 * scale with `npm run fuzz` (FUZZ_REQUESTS=10000 FUZZ_EVENTS=1000). The seed is fixed unless
 * FUZZ_SEED says otherwise, and printed, so any failure can be generated again.
 */
export interface FuzzSettings {
  readonly requests: number;
  readonly eventsPerTopic: number;
  readonly seed: number;
  /** Where to write the run's figures as JSON (the full run commits bench/results/fuzz.json). */
  readonly resultFile?: string;
}

function positiveInteger(name: string, byDefault: number): number {
  const value = Number(process.env[name] ?? byDefault);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got ${process.env[name]}`);
  }
  return value;
}

export function fuzzSettings(): FuzzSettings {
  return {
    requests: positiveInteger('FUZZ_REQUESTS', 300),
    eventsPerTopic: positiveInteger('FUZZ_EVENTS', 10),
    seed: positiveInteger('FUZZ_SEED', 20261205),
    resultFile: process.env['FUZZ_RESULT'] || undefined,
  };
}
