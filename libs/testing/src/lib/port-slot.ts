import { readFileSync } from 'node:fs';

/**
 * Ports of the servers on this machine that fall in the slots' range: Kafka of the test profile and
 * its controller, the MongoDB-compatible server (dev and test profiles), RabbitMQ's distribution
 * port and the benchmark PostgreSQL (INFRA.md, scripts/infra-up.sh, scripts/bench-postgres.sh).
 */
export const SERVER_PORTS: readonly number[] = [25432, 25672, 27027, 27037, 29092, 29093];

/** Slots are 20 ports wide. */
export const PORT_SLOT_SIZE = 20;

/** Jest workers get disjoint ranges of slots, so suites running side by side never share one. */
const WORKER_RANGES = 6;
const SLOTS_PER_RANGE = 100;

/**
 * The first port of a random slot of 20 for a test's own listening processes. Slots lie in
 * 20000–31999: below 32768, where Linux starts handing out ephemeral ports to outgoing connections
 * (a listener chosen there can collide with a live client socket: EADDRINUSE), and clear of the
 * servers' ports. Each Jest worker draws from its own range of 100 slots: suites of one worker run
 * one after another, so only a worker's own leftovers could still hold a port.
 */
export function randomPortSlot(
  random: () => number = Math.random,
  workerId: number = Number(process.env['JEST_WORKER_ID'] ?? 1),
  listening: ReadonlySet<number> = listeningPorts(),
): number {
  const range = (Math.max(1, Math.floor(workerId) || 1) - 1) % WORKER_RANGES;
  const taken = (port: number) => SERVER_PORTS.includes(port) || listening.has(port);
  for (let attempt = 0; ; attempt++) {
    const slot = range * SLOTS_PER_RANGE + Math.floor(random() * SLOTS_PER_RANGE);
    const base = 20_000 + slot * PORT_SLOT_SIZE;
    const ports = Array.from({ length: PORT_SLOT_SIZE }, (_, i) => base + i);
    // Past a few hundred draws every slot is busy: take one clear of the servers at least.
    if (!ports.some(taken) || (attempt > 500 && !ports.some((p) => SERVER_PORTS.includes(p))))
      return base;
  }
}

/**
 * Ports something on this machine listens on now (Linux /proc/net/tcp*, state 0A), so a slot is
 * not handed out while another test run (another checkout, another Jest process) holds it: an app
 * that then failed with EADDRINUSE would leave the test talking to someone else's server.
 */
export function listeningPorts(): Set<number> {
  const ports = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let table: string;
    try {
      table = readFileSync(file, 'utf8');
    } catch {
      continue; // not Linux, or no IPv6: the servers' list alone then
    }
    for (const line of table.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === '0A' && local) ports.add(parseInt(local.split(':').at(-1)!, 16));
    }
  }
  return ports;
}
