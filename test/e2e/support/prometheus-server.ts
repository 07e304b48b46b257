import { expectEventually } from '@enclave/testing';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ScrapeTarget {
  readonly job: string;
  readonly address: string;
}

/**
 * A real Prometheus (Debian's package, installed by scripts/ensure-apt-packages.sh) on a loopback
 * port with its own data directory, scraping the given targets every second with a bearer token.
 */
export class PrometheusServer {
  private child?: ChildProcess;
  private output = '';
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'enclave-prometheus-'));
  readonly base: string;

  constructor(
    private readonly port: number,
    private readonly targets: readonly ScrapeTarget[],
    private readonly bearerToken: string,
  ) {
    this.base = `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    const tokenFile = path.join(this.dir, 'metrics-token');
    fs.writeFileSync(tokenFile, this.bearerToken, { mode: 0o600 });
    const jobs = this.targets.map((t) =>
      [
        `  - job_name: ${JSON.stringify(t.job)}`,
        '    authorization:',
        `      credentials_file: ${JSON.stringify(tokenFile)}`,
        '    static_configs:',
        `      - targets: [${JSON.stringify(t.address)}]`,
      ].join('\n'),
    );
    const config = path.join(this.dir, 'prometheus.yml');
    fs.writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        ...jobs,
        '',
      ].join('\n'),
    );
    this.child = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${path.join(this.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${this.port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child.stdout?.on('data', (c: Buffer) => (this.output += c.toString()));
    this.child.stderr?.on('data', (c: Buffer) => (this.output += c.toString()));
    await expectEventually(
      async () => {
        if (this.child?.exitCode !== null) throw new Error(`prometheus exited: ${this.output}`);
        expect((await fetch(`${this.base}/-/ready`)).status).toBe(200);
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  }

  /** An instant PromQL query's result vector. */
  async query(
    expr: string,
  ): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const response = await fetch(`${this.base}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data: { result: never[] };
    };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    return body.data.result;
  }

  async activeTargets(): Promise<{ job: string; health: string; lastError: string }[]> {
    const response = await fetch(`${this.base}/api/v1/targets?state=active`);
    const body = (await response.json()) as {
      data: { activeTargets: { labels: { job: string }; health: string; lastError: string }[] };
    };
    return body.data.activeTargets.map((t) => ({
      job: t.labels.job,
      health: t.health,
      lastError: t.lastError,
    }));
  }

  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child!.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
