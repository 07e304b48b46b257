/**
 * Where a command's result goes: a JSON document on stdout with `--json` (for scripts), readable
 * text otherwise. Progress is for people: it goes to stderr, and only without `--json`.
 */
export class Output {
  private liveLines = 0;

  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
    private readonly stderr: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
  ) {}

  /** The command's result: `value` as JSON, or what `human` makes of it. */
  result<T>(value: T, human: (value: T) => string): void {
    this.stdout.write(this.json ? `${JSON.stringify(value, null, 2)}\n` : `${human(value)}\n`);
  }

  /** A progress line (stderr, human mode only). */
  note(line: string): void {
    if (!this.json) this.stderr.write(`${line}\n`);
  }

  /**
   * A block of progress lines shown in place: on a terminal it is redrawn, elsewhere (a log, a CI
   * job) a block is written only when it differs from the last one.
   */
  live(lines: readonly string[]): void {
    if (this.json) return;
    if (this.stderr.isTTY) {
      if (this.liveLines) this.stderr.write(`\x1b[${this.liveLines}A`);
      this.stderr.write(lines.map((l) => `\x1b[2K${l}\n`).join(''));
      this.liveLines = lines.length;
      return;
    }
    const block = lines.join('\n');
    if (block !== this.lastBlock) this.stderr.write(`${block}\n`);
    this.lastBlock = block;
  }

  private lastBlock?: string;
}
