import { execSync } from 'node:child_process';
import fs from 'node:fs';

/** CPU time in ms per process group, and the whole machine's busy and total ticks, at one moment. */
export interface CpuSnapshot {
  readonly groups: Record<string, number>;
  readonly machine: { readonly busy: number; readonly total: number };
}

interface Stat {
  readonly ppid: number;
  /** utime + stime, and the same of children already waited for, in clock ticks. */
  readonly own: number;
  readonly reaped: number;
}

let ticksPerSecond: number | undefined;
const tick = () =>
  (ticksPerSecond ??= Number(execSync('getconf CLK_TCK').toString().trim()) || 100);

function statOf(pid: number): Stat | undefined {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after its last ')'.
    const f = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(f[1]),
      own: Number(f[11]) + Number(f[12]),
      reaped: Number(f[13]) + Number(f[14]),
    };
  } catch {
    return undefined; // gone between listing and reading
  }
}

function cmdlineOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** All cores together, from the first line of /proc/stat (idle and iowait count as not busy). */
function machineTicks(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((x, y) => x + y, 0);
  return { busy: total - v[3] - (v[4] ?? 0), total };
}

const pids = () =>
  fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);

/**
 * Reads from /proc the CPU (user + system) of the bench itself, each platform app it spawned,
 * PostgreSQL (the postmaster, its live backends, and the backends that already exited, counted in
 * the postmaster's reaped-children time) and Kafka. The servers are shared with whatever else runs
 * on the machine, so their figures include that load. Linux only.
 */
export class ProcessCpu {
  constructor(
    private readonly apps: readonly string[],
    private readonly postmasterPid: number | undefined,
    private readonly kafkaMatch = 'kafka.Kafka',
  ) {}

  snapshot(): CpuSnapshot {
    const ms = (ticks: number) => (ticks * 1_000) / tick();
    const all = pids();
    const out: Record<string, number> = { bench: ms(statOf(process.pid)?.own ?? 0) };
    for (const pid of all) {
      const stat = statOf(pid);
      if (!stat) continue;
      if (stat.ppid === process.pid) {
        const app = this.apps.find((a) => cmdlineOf(pid).includes(`apps/${a}/src/main.ts`));
        if (app) out[app] = (out[app] ?? 0) + ms(stat.own);
      } else if (this.postmasterPid !== undefined && stat.ppid === this.postmasterPid) {
        out.postgresql = (out.postgresql ?? 0) + ms(stat.own);
      } else if (cmdlineOf(pid).includes(this.kafkaMatch)) {
        out.kafka = (out.kafka ?? 0) + ms(stat.own);
      }
    }
    if (this.postmasterPid !== undefined) {
      const master = statOf(this.postmasterPid);
      if (master) out.postgresql = (out.postgresql ?? 0) + ms(master.own + master.reaped);
    }
    return { groups: out, machine: machineTicks() };
  }

  /** What each group used between two snapshots (ms, largest first), and how busy the machine was. */
  static between(before: CpuSnapshot, after: CpuSnapshot) {
    const { groups: a } = after;
    const total = after.machine.total - before.machine.total;
    return {
      ms: Object.fromEntries(
        Object.keys(a)
          .map((k) => [k, Math.round(a[k] - (before.groups[k] ?? 0))] as const)
          .sort((x, y) => y[1] - x[1]),
      ),
      machineBusyPercent:
        total > 0
          ? Math.round(((after.machine.busy - before.machine.busy) / total) * 1_000) / 10
          : 0,
    };
  }
}
