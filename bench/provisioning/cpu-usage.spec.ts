import {
  CpuDelta,
  NO_CPU,
  addCpu,
  cpuBetween,
  cpuPerRegistration,
  cpuPerSecond,
  snapshotOf,
} from './cpu-usage';
import { ProcStat } from './proc.parser';

const proc = (pid: number, ppid: number, utime: number, stime = 0, cutime = 0, cstime = 0) =>
  ({ pid, ppid, comm: `p${pid}`, state: 'S', utime, stime, cutime, cstime }) satisfies ProcStat;

describe('snapshotOf', () => {
  it("sums each label's tree, own and reaped time, without entering another label's root", () => {
    const processes = [
      proc(10, 1, 5, 1), // the bench
      proc(11, 10, 20, 2), // an app, its child
      proc(12, 11, 3), // the app's own child
      proc(50, 1, 4, 1, 30, 10), // postmaster, with exited backends reaped
      proc(51, 50, 7, 2), // a live backend
      proc(99, 1, 1000), // someone else
    ];
    const snapshot = snapshotOf(
      { bench: [10], 'tenant-registry': [11], postgresql: [50], kafka: [77] },
      processes,
      5000,
      123,
    );
    expect(snapshot).toEqual({
      ticks: { bench: 6, 'tenant-registry': 25, postgresql: 4 + 1 + 30 + 10 + 7 + 2 },
      machineBusyTicks: 5000,
      atMs: 123,
    });
  });

  it('counts a backend that exits between snapshots once: in the window, by its postmaster', () => {
    const counted = { postgresql: [50] };
    // Backend 51 has used 9 ticks at the start, 15 in all when it exits; 52 comes and goes.
    const before = snapshotOf(counted, [proc(50, 1, 4), proc(51, 50, 9)], 0, 0);
    const after = snapshotOf(counted, [proc(50, 1, 5, 0, 15 + 8, 0)], 0, 1_000);
    expect(cpuBetween(before, after).ticks).toEqual({ postgresql: 1 + 6 + 8 });
  });
});

describe('cpuBetween and addCpu', () => {
  it('reports a label alive at only one end as missing, not as a negative figure', () => {
    const before = { ticks: { kafka: 10, 'migration-runner': 40 }, machineBusyTicks: 100, atMs: 0 };
    const after = { ticks: { kafka: 25 }, machineBusyTicks: 160, atMs: 500 };
    expect(cpuBetween(before, after)).toEqual({
      ticks: { kafka: 15 },
      machineBusyTicks: 60,
      ms: 500,
      missing: ['migration-runner'],
    });
  });

  it('adds windows label by label', () => {
    const a: CpuDelta = { ticks: { kafka: 3 }, machineBusyTicks: 10, ms: 200, missing: [] };
    const b: CpuDelta = {
      ticks: { kafka: 2, bench: 1 },
      machineBusyTicks: 5,
      ms: 300,
      missing: ['x'],
    };
    expect(addCpu(addCpu(NO_CPU, a), b)).toEqual({
      ticks: { kafka: 5, bench: 1 },
      machineBusyTicks: 15,
      ms: 500,
      missing: ['x'],
    });
  });
});

describe('cpuPerRegistration', () => {
  const window: CpuDelta = {
    ticks: { postgresql: 30, kafka: 50, bench: 4 },
    machineBusyTicks: 100,
    ms: 2_000,
    missing: [],
  };

  it('divides each process by the registrations, in ms at 100 ticks/s, largest first', () => {
    const report = cpuPerRegistration(window, 4, 100)!;
    expect(report).toEqual({
      registrations: 4,
      window_s: 2,
      processes: { kafka: 125, postgresql: 75, bench: 10 },
      total: 210,
      machine: 250,
      other: 40,
    });
    expect(Object.keys(report.processes)).toEqual(['kafka', 'postgresql', 'bench']);
  });

  it('says what the processes would have used at rest over the same windows', () => {
    // At rest: 6 ticks in 3 s over all counted processes, i.e. 2 ticks/s; 2 s of windows = 4 ticks.
    const idle: CpuDelta = {
      ticks: { kafka: 4, bench: 2 },
      machineBusyTicks: 9,
      ms: 3_000,
      missing: [],
    };
    expect(cpuPerRegistration(window, 4, 100, idle)?.at_idle_rate).toBe(10);
  });

  it('has nothing to say about no registrations, and names missing processes', () => {
    expect(cpuPerRegistration(window, 0, 100)).toBeNull();
    expect(cpuPerRegistration({ ...window, missing: ['mongodb'] }, 1, 100)?.missing).toEqual([
      'mongodb',
    ]);
  });
});

describe('cpuPerSecond', () => {
  it('gives each process, the sum and the machine in CPU ms per second', () => {
    const idle: CpuDelta = {
      ticks: { kafka: 3, bench: 1 },
      machineBusyTicks: 20,
      ms: 2_000,
      missing: [],
    };
    expect(cpuPerSecond(idle, 100)).toEqual({ kafka: 15, bench: 5, total: 20, machine: 100 });
  });
});
