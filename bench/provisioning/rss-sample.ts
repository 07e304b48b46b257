import fs from 'node:fs';
import { CountedProcesses } from './cpu-usage';
import { parseVmRssKiB } from './proc.parser';

/**
 * Resident memory (MiB) of each counted process's top pid: an app's node process, a server's main
 * process (the PostgreSQL postmaster alone, not its backends, whose shared buffers would be counted
 * once per backend). A process gone or unreadable is left out.
 */
export function rssMiB(counted: CountedProcesses): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [label, pids] of Object.entries(counted)) {
    let kib = 0;
    for (const pid of pids) {
      try {
        kib += parseVmRssKiB(fs.readFileSync(`/proc/${pid}/status`, 'utf8')) ?? 0;
      } catch {
        // Gone, or another user's process this bench may not read.
      }
    }
    if (kib > 0) out[label] = Math.round(kib / 102.4) / 10;
  }
  return out;
}
