import { CliError } from '../cli.error';
import { ExitCode } from '../exit-code';

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
}

/**
 * Polls `read` until `done` says the outcome is in, calling `show` with every reading so progress
 * appears as it happens. Past the timeout it ends with ExitCode.Timeout and what it last saw.
 */
export async function waitUntil<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  show: (value: T) => void,
  options: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await read();
    show(value);
    if (done(value)) return value;
    if (Date.now() >= deadline)
      throw new CliError(
        ExitCode.Timeout,
        `${what}: no outcome within ${options.timeoutMs / 1000} s`,
        value,
      );
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 300));
  }
}
