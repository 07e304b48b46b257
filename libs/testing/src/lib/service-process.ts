import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { expectEventually } from './expect-eventually';

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const REPO_ROOT = path.resolve(__dirname, '../../../..');

/**
 * A service (or test fixture) run as a real child process from its TypeScript entry point, so tests
 * can SIGKILL or SIGTERM it mid-stream and start it again.
 */
export class ServiceProcess {
  private child?: ChildProcess;
  private output: string[] = [];
  private exit?: Promise<ProcessExit>;

  constructor(
    private readonly entry: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  start(): this {
    this.output = [];
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', path.resolve(REPO_ROOT, this.entry)],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          SWC_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.json'),
          ...this.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const collect = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 2_000) this.output.splice(0, 1_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exit = new Promise((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    this.child = child;
    return this;
  }

  get logs(): string {
    return this.output.join('');
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
    await expectEventually(
      async () => {
        if (!this.running)
          throw new Error(`process exited before answering ${url}:\n${this.logs.slice(-3_000)}`);
        const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
        if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  /**
   * Sends a signal and waits for the process to be gone (SIGKILL after `timeoutMs`). A NestJS app
   * that shut down gracefully re-raises the signal it got, so it exits with that signal, not a code.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20_000): Promise<ProcessExit> {
    if (!this.child) return { code: null, signal: null };
    if (!this.running) return this.exit!;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exit!;
    } finally {
      clearTimeout(timer);
    }
  }
}
