import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Client, ClientConfig } from 'pg';

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const round2 = (n: number) => Math.round(n * 100) / 100;
export const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

export function p50p99(values: readonly number[]) {
  return { p50_ms: round2(percentile(values, 50)), p99_ms: round2(percentile(values, 99)) };
}

/**
 * `global.gc`: present under `--expose-gc` (e.g. `NODE_OPTIONS=--expose-gc`); otherwise the flag is
 * set at run time and the function taken from a fresh context, so `npm run bench:tenancy` needs no
 * extra option.
 */
export function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

export function machine() {
  const cpus = os.cpus();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join('/');
  return {
    text: `${cpus.length} cpu ${cpus[0]?.model ?? ''}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, load ${load}`,
    loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** Live PostgreSQL sockets opened by the SDK, counted on the client side. */
export class SocketCounter {
  live = 0;
  peak = 0;
  opened = 0;
  /** ms from `end()` (pg-pool ending an idle client when its pool closes) to the socket's end. */
  readonly closeMs: number[] = [];

  /** `onConnect(config)` runs as each client is made (before it connects). */
  constructor(private readonly onConnect?: (config?: string | ClientConfig) => void) {}

  /**
   * A pg Client class for the manager's `postgres.Client` option: the real client, counted from
   * construction (pg-pool connects it at once) until its socket has ended, the same event the
   * PinnedPool's own accounting waits for.
   */
  clientClass(): typeof Client {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const counter = this;
    return class CountingClient extends Client {
      constructor(config?: string | ClientConfig) {
        super(config);
        counter.onConnect?.(config);
        counter.opened++;
        counter.peak = Math.max(counter.peak, ++counter.live);
        let endCalled = 0;
        const end = this.end;
        this.end = function (this: Client, ...args: unknown[]) {
          endCalled ||= performance.now();
          return (end as (...a: unknown[]) => unknown).apply(this, args);
        } as Client['end'];
        this.connection.once('end', () => {
          counter.live--;
          if (endCalled) counter.closeMs.push(performance.now() - endCalled);
        });
      }
    };
  }
}

/**
 * Samples pg_stat_activity for one role every `intervalMs` on its own admin connection (never two
 * queries at once), keeping the peak: the server's own count of the SDK's connections.
 */
export class ServerConnectionSampler {
  peak = 0;
  samples = 0;
  private timer?: NodeJS.Timeout;
  private busy = false;
  private client?: Client;

  constructor(
    private readonly adminUrl: string,
    private readonly role: string,
  ) {}

  async start(intervalMs: number): Promise<void> {
    this.client = new Client({
      connectionString: this.adminUrl,
      application_name: 'bench-tsdk-sampler',
    });
    await this.client.connect();
    this.timer = setInterval(() => void this.sample(), intervalMs);
  }

  async sample(): Promise<number | undefined> {
    if (this.busy || !this.client) return undefined;
    this.busy = true;
    try {
      const { rows } = await this.client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1',
        [this.role],
      );
      this.samples++;
      this.peak = Math.max(this.peak, rows[0].n);
      return rows[0].n;
    } finally {
      this.busy = false;
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    while (this.busy) await new Promise((r) => setTimeout(r, 5));
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}
