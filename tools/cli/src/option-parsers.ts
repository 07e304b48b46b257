import { InvalidArgumentError } from 'commander';

/** A whole number within [min, max]: commander reports anything else as a usage error. */
export function integerIn(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

/** A whole number, as given: whether it is in bounds is the platform's to say (exit 3). */
export function wholeNumber(value: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

/** `key=value`, repeatable: collected into one record. */
export function keyValue(value: string, previous: Record<string, string> = {}) {
  const at = value.indexOf('=');
  if (at < 1) throw new InvalidArgumentError(`expected key=value, got '${value}'`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** A comma-separated list, empty items dropped. */
export function list(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

const SECONDS = { s: 1, m: 60, h: 3_600, d: 86_400 } as const;

/** A duration as whole seconds: `3600`, `3600s`, `30m`, `12h`, `90d`; at most `maxSeconds`. */
export function duration(maxSeconds: number) {
  return (value: string): number => {
    const match = /^(\d+)([smhd]?)$/.exec(value);
    const seconds = match
      ? Number(match[1]) * SECONDS[(match[2] || 's') as keyof typeof SECONDS]
      : 0;
    if (!match || seconds < 1 || seconds > maxSeconds)
      throw new InvalidArgumentError(
        `expected a duration such as 3600s, 30m, 12h or 90d, at most ${maxSeconds} s`,
      );
    return seconds;
  };
}
