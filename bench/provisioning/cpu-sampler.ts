import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { CountedProcesses, CpuSnapshot, snapshotOf } from './cpu-usage';
import {
  ProcStat,
  parseListeningInodes,
  parseMachineBusyTicks,
  parseProcStat,
} from './proc.parser';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', '0.0.0.0', os.hostname()]);

/**
 * Reads the CPU time of the processes a registration runs through from /proc (Linux only): the bench
 * itself, the platform apps it started (its children running `apps/<name>/src/main.ts`) and each
 * server by the process listening on its port, with that process's whole tree (every PostgreSQL
 * backend, RabbitMQ's helpers). Servers are shared: their figures include anyone else's use of them.
 */
export class CpuSampler {
  private constructor(
    readonly counted: CountedProcesses,
    /** Label → why it is not counted (a server elsewhere, no listener found). */
    readonly notCounted: Readonly<Record<string, string>>,
    readonly ticksPerSecond: number,
  ) {}

  /** Call after the apps are up. `servers`: label → address (`host:port` or a URL). */
  static locate(servers: Record<string, { address: string; defaultPort: number }>): CpuSampler {
    const processes = readProcesses();
    const counted: Record<string, number[]> = { bench: [process.pid] };
    for (const p of processes.filter((p) => p.ppid === process.pid)) {
      const app = /apps\/([^/]+)\/src\/main\.ts/.exec(readCmdline(p.pid));
      if (app) counted[app[1]] = [...(counted[app[1]] ?? []), p.pid];
    }
    const notCounted: Record<string, string> = {};
    for (const [label, { address, defaultPort }] of Object.entries(servers)) {
      const { host, port } = hostPort(address, defaultPort);
      if (!LOCAL_HOSTS.has(host)) {
        notCounted[label] = `${host} is not this machine`;
        continue;
      }
      const holders = listenerPids(port);
      // Forked servers may share the listening socket: the tree's top is the one whose parent lacks it.
      const parents = new Map(processes.map((p) => [p.pid, p.ppid]));
      const tops = holders.filter((pid) => !holders.includes(parents.get(pid) ?? -1));
      if (tops.length) counted[label] = tops;
      else notCounted[label] = `no process found listening on port ${port}`;
    }
    return new CpuSampler(counted, notCounted, clockTicksPerSecond());
  }

  snapshot(): CpuSnapshot {
    const machine = parseMachineBusyTicks(fs.readFileSync('/proc/stat', 'utf8'));
    return snapshotOf(this.counted, readProcesses(), machine, performance.now());
  }
}

function readProcesses(): ProcStat[] {
  const processes: ProcStat[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      processes.push(parseProcStat(fs.readFileSync(`/proc/${entry}/stat`, 'utf8')));
    } catch {
      // Gone between the listing and the read.
    }
  }
  return processes;
}

function readCmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Pids holding a socket that listens on `port` (reading other users' fds needs root). */
function listenerPids(port: number): number[] {
  const inodes = new Set(
    ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
      fs.existsSync(file) ? parseListeningInodes(fs.readFileSync(file, 'utf8'), port) : [],
    ),
  );
  if (!inodes.size) return [];
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fds = fs.readdirSync(`/proc/${entry}/fd`);
      if (fds.some((fd) => inodes.has(socketInode(`/proc/${entry}/fd/${fd}`))))
        pids.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return pids;
}

function socketInode(fdPath: string): number {
  try {
    return Number(/^socket:\[(\d+)\]$/.exec(fs.readlinkSync(fdPath))?.[1]);
  } catch {
    return NaN; // Closed since the listing.
  }
}

function hostPort(address: string, defaultPort: number): { host: string; port: number } {
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  return { host: url.hostname, port: Number(url.port || defaultPort) };
}

function clockTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    if (ticks > 0) return ticks;
  } catch {
    // No getconf: Linux's USER_HZ is 100 everywhere we run.
  }
  return 100;
}
