import { CliError } from '../cli.error';
import { ExitCode } from '../exit-code';
import { waitUntil } from './wait-until';

describe('waitUntil', () => {
  it('shows every reading and returns the first that is done', async () => {
    const readings = [1, 2, 3, 4];
    const shown: number[] = [];
    const value = await waitUntil(
      'count',
      async () => readings.shift()!,
      (n) => n >= 3,
      (n) => shown.push(n),
      { timeoutMs: 5_000, intervalMs: 1 },
    );
    expect(value).toBe(3);
    expect(shown).toEqual([1, 2, 3]);
  });

  it('ends with ExitCode.Timeout and the last reading when the outcome does not come', async () => {
    const error = await waitUntil(
      'never',
      async () => 'provisioning',
      () => false,
      () => undefined,
      { timeoutMs: 30, intervalMs: 5 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ exitCode: ExitCode.Timeout, details: 'provisioning' });
    expect((error as Error).message).toMatch(/never: no outcome within 0.03 s/);
  });
});
