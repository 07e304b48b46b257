/** One line of `/proc/<pid>/stat`; CPU times in clock ticks (`getconf CLK_TCK`). */
export interface ProcStat {
  readonly pid: number;
  readonly comm: string;
  readonly state: string;
  readonly ppid: number;
  /** User and system time of the process itself (all its threads). */
  readonly utime: number;
  readonly stime: number;
  /** Of its children that exited and that it waited for (a postmaster's finished backends). */
  readonly cutime: number;
  readonly cstime: number;
}

/** Parses `/proc/<pid>/stat`. The name is in parentheses and may hold spaces or parentheses itself. */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open)
    throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  // Fields from the third on (state), 1-based numbering as in proc(5): field k is rest[k - 3].
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const field = (k: number) => {
    const value = Number(rest[k - 3]);
    if (!Number.isFinite(value)) throw new Error(`/proc/<pid>/stat field ${k} missing: ${text}`);
    return value;
  };
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0],
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
  };
}

/**
 * Busy clock ticks of the whole machine from `/proc/stat`'s `cpu` line: user, nice, system, irq,
 * softirq and steal (guest time is already inside user); idle and iowait are not busy.
 */
export function parseMachineBusyTicks(text: string): number {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('no cpu line in /proc/stat');
  const [user, nice, system, , , irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return user + nice + system + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
}

/** Socket inodes listening on `port` in `/proc/net/tcp` or `/proc/net/tcp6` (state 0A). */
export function parseListeningInodes(text: string, port: number): number[] {
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter(
      ([, local, , state]) => state === '0A' && parseInt(local?.split(':')[1] ?? '', 16) === port,
    )
    .map((cols) => Number(cols[9]));
}

/** Resident set size in KiB from `/proc/<pid>/status` (`VmRSS:`); undefined for a kernel thread. */
export function parseVmRssKiB(text: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(text);
  return match ? Number(match[1]) : undefined;
}
