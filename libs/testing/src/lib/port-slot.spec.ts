import { createServer } from 'node:net';
import { PORT_SLOT_SIZE, SERVER_PORTS, listeningPorts, randomPortSlot } from './port-slot';

describe('randomPortSlot', () => {
  // Every slot worker w can draw: draw i of 100, then (if refused) a redraw of its first slot,
  // which holds no server port in any range.
  const slotsOf = (worker: number) =>
    Array.from({ length: 100 }, (_, i) => {
      const draws = [(i + 0.5) / 100, 0];
      return randomPortSlot(() => draws.shift()!, worker, new Set());
    });
  const workers = [1, 2, 3, 4, 5, 6];

  it('stays in 20000–32767, below the ephemeral range', () => {
    for (const base of workers.flatMap(slotsOf)) {
      expect(base).toBeGreaterThanOrEqual(20_000);
      expect(base + PORT_SLOT_SIZE - 1).toBeLessThan(32_768);
    }
  });

  it('refuses exactly the slots that hold a server port', () => {
    const holding = new Set(SERVER_PORTS.map((port) => port - (port % PORT_SLOT_SIZE)));
    const all = workers.flatMap(slotsOf);
    for (const base of all) expect(holding.has(base)).toBe(false);
    expect(new Set(all).size).toBe(600 - holding.size);
  });

  it('gives Jest workers disjoint slots (a seventh worker shares the first one’s range)', () => {
    const sets = workers.map((w) => new Set(slotsOf(w)));
    for (const [i, a] of sets.entries()) {
      for (const b of sets.slice(i + 1)) expect([...a].filter((s) => b.has(s))).toEqual([]);
    }
    expect(new Set(slotsOf(7))).toEqual(sets[0]);
  });

  it('skips a slot in which something already listens (another run’s app), and sees real listeners', async () => {
    const first = randomPortSlot(() => 0.5, 1, new Set());
    const draws = [0.5, 0.25];
    const next = randomPortSlot(() => draws.shift()!, 1, new Set([first + 7]));
    expect(next).not.toBe(first);
    expect(next).toBe(randomPortSlot(() => 0.25, 1, new Set()));

    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      expect(listeningPorts().has(port)).toBe(true);
    } finally {
      server.close();
    }
  });
});
