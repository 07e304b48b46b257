import { ProcStat } from './proc.parser';

/** The processes counted, by label (`kafka`, `postgresql`, an app's name, `bench`): their root pids. */
export type CountedProcesses = Readonly<Record<string, readonly number[]>>;

/** CPU used so far (clock ticks) by each label's process tree, and by the whole machine. */
export interface CpuSnapshot {
  /** A label is absent when none of its root processes was alive. */
  readonly ticks: Readonly<Record<string, number>>;
  readonly machineBusyTicks: number;
  readonly atMs: number;
}

/** CPU used between two snapshots, or summed over several such windows. */
export interface CpuDelta {
  readonly ticks: Readonly<Record<string, number>>;
  readonly machineBusyTicks: number;
  readonly ms: number;
  /** Labels not alive at one end of some window: not in `ticks`. */
  readonly missing: readonly string[];
}

export const NO_CPU: CpuDelta = { ticks: {}, machineBusyTicks: 0, ms: 0, missing: [] };

/**
 * Sums each label's tree: the roots and every descendant (not through another label's root, so the
 * bench's children, the apps, count as themselves). Each live process adds its own time plus what it
 * reaped: a backend that exits between two snapshots moves into its postmaster's cutime/cstime, so
 * the difference stays right as processes come and go. A child reaped by anyone outside the tree
 * (an orphan adopted by init) is lost.
 */
export function snapshotOf(
  counted: CountedProcesses,
  processes: readonly ProcStat[],
  machineBusyTicks: number,
  atMs: number,
): CpuSnapshot {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const children = new Map<number, ProcStat[]>();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const roots = new Set(Object.values(counted).flat());
  const ticks: Record<string, number> = {};
  for (const [label, pids] of Object.entries(counted)) {
    const live = pids.map((pid) => byPid.get(pid)).filter((p): p is ProcStat => !!p);
    if (!live.length) continue;
    let sum = 0;
    const seen = new Set<number>();
    const visit = (p: ProcStat) => {
      if (seen.has(p.pid)) return;
      seen.add(p.pid);
      sum += p.utime + p.stime + p.cutime + p.cstime;
      for (const child of children.get(p.pid) ?? []) if (!roots.has(child.pid)) visit(child);
    };
    live.forEach(visit);
    ticks[label] = sum;
  }
  return { ticks, machineBusyTicks, atMs };
}

export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): CpuDelta {
  const labels = new Set([...Object.keys(before.ticks), ...Object.keys(after.ticks)]);
  const ticks: Record<string, number> = {};
  const missing: string[] = [];
  for (const label of labels) {
    if (label in before.ticks && label in after.ticks)
      ticks[label] = after.ticks[label] - before.ticks[label];
    else missing.push(label);
  }
  return {
    ticks,
    machineBusyTicks: after.machineBusyTicks - before.machineBusyTicks,
    ms: after.atMs - before.atMs,
    missing,
  };
}

export function addCpu(a: CpuDelta, b: CpuDelta): CpuDelta {
  const ticks: Record<string, number> = { ...a.ticks };
  for (const [label, t] of Object.entries(b.ticks)) ticks[label] = (ticks[label] ?? 0) + t;
  return {
    ticks,
    machineBusyTicks: a.machineBusyTicks + b.machineBusyTicks,
    ms: a.ms + b.ms,
    missing: [...new Set([...a.missing, ...b.missing])],
  };
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** A phase's CPU per registration, in milliseconds, per label (largest first) and in total. */
export interface CpuPerRegistration {
  readonly registrations: number;
  readonly window_s: number;
  readonly processes: Record<string, number>;
  /** Sum over the counted processes. */
  readonly total: number;
  /** Every busy CPU of the machine in the same windows; `other` is what the counted ones did not use. */
  readonly machine: number;
  readonly other: number;
  /** What the counted processes use at rest over the same windows (from the idle window). */
  readonly at_idle_rate?: number;
  readonly missing?: readonly string[];
}

export function cpuPerRegistration(
  delta: CpuDelta,
  registrations: number,
  ticksPerSecond: number,
  idle?: CpuDelta,
): CpuPerRegistration | null {
  if (registrations <= 0) return null;
  const ms = (ticks: number) => (ticks * 1_000) / ticksPerSecond / registrations;
  const entries = Object.entries(delta.ticks).sort(([, a], [, b]) => b - a);
  const total = ms(sum(entries.map(([, t]) => t)));
  const machine = ms(delta.machineBusyTicks);
  const idleTicksPerMs = idle && idle.ms > 0 ? sum(Object.values(idle.ticks)) / idle.ms : undefined;
  return {
    registrations,
    window_s: round1(delta.ms / 1_000),
    processes: Object.fromEntries(entries.map(([label, t]) => [label, round1(ms(t))])),
    total: round1(total),
    machine: round1(machine),
    other: round1(machine - total),
    ...(idleTicksPerMs === undefined
      ? {}
      : { at_idle_rate: round1(ms(idleTicksPerMs * delta.ms)) }),
    ...(delta.missing.length ? { missing: delta.missing } : {}),
  };
}

/** CPU milliseconds per second of each label at rest (the idle window). */
export function cpuPerSecond(delta: CpuDelta, ticksPerSecond: number): Record<string, number> {
  const perS = (ticks: number) => round1((ticks * 1_000) / ticksPerSecond / (delta.ms / 1_000));
  const entries = Object.entries(delta.ticks).sort(([, a], [, b]) => b - a);
  return {
    ...Object.fromEntries(entries.map(([label, t]) => [label, perS(t)])),
    total: perS(sum(entries.map(([, t]) => t))),
    machine: perS(delta.machineBusyTicks),
  };
}
