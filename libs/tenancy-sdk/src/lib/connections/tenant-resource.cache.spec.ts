import { expectEventually } from '@enclave/testing';
import { TenancyUnavailableError } from '../errors/tenancy-unavailable.error';
import { UnknownTenantError } from '../errors/unknown-tenant.error';
import { TenantResourceCache, TenantResourceCacheOptions } from './tenant-resource.cache';

interface FakeResource {
  readonly id: number;
  readonly tenantId: string;
  closed: boolean;
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

function harness(overrides: Partial<TenantResourceCacheOptions<FakeResource>> = {}) {
  let next = 0;
  const loads: string[] = [];
  const closed: FakeResource[] = [];
  let closeDelayMs = 0;
  const cache = new TenantResourceCache<FakeResource>({
    name: 'fake',
    maxEntries: 3,
    maxWeight: 6,
    idleTimeoutMs: 0,
    acquireTimeoutMs: 1_000,
    load: async (tenantId) => {
      loads.push(tenantId);
      await tick(5);
      if (tenantId.startsWith('unknown')) throw new UnknownTenantError(tenantId, 'ledger');
      return { weight: 2, create: () => ({ id: ++next, tenantId, closed: false }) };
    },
    close: async (resource) => {
      await tick(closeDelayMs);
      resource.closed = true;
      closed.push(resource);
    },
    ...overrides,
  });
  return {
    cache,
    loads,
    closed,
    setCloseDelay: (ms: number) => (closeDelayMs = ms),
  };
}

describe('TenantResourceCache', () => {
  it('serves 50 concurrent first requests for one tenant with one load and one resource', async () => {
    const { cache, loads } = harness();
    const leases = await Promise.all(Array.from({ length: 50 }, () => cache.acquire('acme')));
    expect(loads).toEqual(['acme']);
    expect(new Set(leases.map((l) => l.resource.id)).size).toBe(1);
    expect(leases[0].active).toBe(50);
    leases.forEach((l) => l.release());
    expect(leases[0].active).toBe(0);
    expect(cache.stats()).toMatchObject({ entries: 1, reservedEntries: 1, reservedWeight: 2 });
    // Warm: no load, same resource.
    const warm = cache.tryAcquire('acme');
    expect(warm?.resource.id).toBe(leases[0].resource.id);
    warm?.release();
    await cache.close();
  });

  it('neither caches a failed resolution nor lets it take room', async () => {
    const { cache, loads } = harness();
    const failures = await Promise.allSettled(
      Array.from({ length: 10 }, () => cache.acquire('unknown-a')),
    );
    expect(
      failures.every((f) => f.status === 'rejected' && f.reason instanceof UnknownTenantError),
    ).toBe(true);
    expect(loads).toEqual(['unknown-a']); // concurrent callers shared it...
    await expect(cache.acquire('unknown-a')).rejects.toBeInstanceOf(UnknownTenantError);
    expect(loads).toHaveLength(2); // ...but the next request asks again
    expect(cache.stats()).toMatchObject({ entries: 0, reservedEntries: 0, reservedWeight: 0 });
    await cache.close();
  });

  it('makes room for every waiting tenant at once: idle resources close in parallel, not one by one', async () => {
    const { cache, closed, setCloseDelay } = harness(); // 3 entries, weight 6, 2 each
    for (const tenant of ['a', 'b', 'c']) (await cache.acquire(tenant)).release();
    setCloseDelay(100);
    const started = performance.now();
    const leases = await Promise.all(['d', 'e', 'f'].map((t) => cache.acquire(t)));
    // Three closes of 100 ms each: in parallel ~100 ms; one after another would be ≥ 300 ms.
    expect(performance.now() - started).toBeLessThan(250);
    expect(closed.map((r) => r.tenantId).sort()).toEqual(['a', 'b', 'c']);
    expect(cache.stats()).toMatchObject({ entries: 3, reservedEntries: 3, reservedWeight: 6 });
    leases.forEach((l) => l.release());
    setCloseDelay(0);
    await cache.close();
  });

  it('evicts the least recently used idle resource when full', async () => {
    const { cache, closed } = harness(); // 3 entries, weight 6, 2 each
    for (const tenant of ['a', 'b', 'c']) {
      (await cache.acquire(tenant)).release();
      await tick(2);
    }
    (await cache.acquire('a')).release(); // a is now the most recent
    const d = await cache.acquire('d');
    expect(closed.map((r) => r.tenantId)).toEqual(['b']);
    expect(cache.stats()).toMatchObject({ entries: 3, reservedEntries: 3, reservedWeight: 6 });
    d.release();
    await cache.close();
  });

  it('waits for a busy resource to become idle, and fails with 503 when none does in time', async () => {
    const { cache } = harness({ maxEntries: 2, acquireTimeoutMs: 150 });
    const a = await cache.acquire('a');
    const b = await cache.acquire('b');
    const waiting = cache.acquire('c');
    await expectEventually(() => expect(cache.stats().waiting).toBe(1));
    a.release(); // a becomes idle: evicted for c
    const c = await waiting;
    expect(c.resource.tenantId).toBe('c');

    const started = Date.now();
    const error = await cache.acquire('d').catch((e) => e);
    expect(error).toBeInstanceOf(TenancyUnavailableError);
    expect(error).toMatchObject({ status: 503, reason: 'capacity-exhausted' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    b.release();
    c.release();
    await cache.close();
  });

  it('keeps the room of a closing resource reserved until it has closed', async () => {
    const { cache, setCloseDelay } = harness({ maxEntries: 1 });
    (await cache.acquire('a')).release();
    setCloseDelay(60);
    const started = Date.now();
    const b = await cache.acquire('b');
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(cache.stats()).toMatchObject({ reservedEntries: 1, closing: 0 });
    b.release();
    await cache.close();
  });

  it('closes resources left idle past the idle timeout', async () => {
    const { cache, closed } = harness({ idleTimeoutMs: 60 });
    (await cache.acquire('a')).release();
    const b = await cache.acquire('b');
    await expectEventually(() => expect(closed.map((r) => r.tenantId)).toEqual(['a']));
    await tick(100); // well past the idle timeout: b, in use, is still kept
    expect(closed.map((r) => r.tenantId)).toEqual(['a']);
    expect(cache.stats()).toMatchObject({ entries: 1, reservedEntries: 1 });
    b.release();
    await cache.close();
  });

  it('invalidate: leases on the old resource finish, new requests get a new one, then the old closes', async () => {
    const { cache, closed, loads } = harness();
    const old = await cache.acquire('a');
    cache.invalidate('a');
    const fresh = await cache.acquire('a');
    expect(fresh.resource.id).not.toBe(old.resource.id);
    expect(loads).toEqual(['a', 'a']);
    await tick(10);
    expect(old.resource.closed).toBe(false); // still leased
    old.release();
    await expectEventually(() => expect(closed).toEqual([old.resource]));
    fresh.release();
    await cache.close();
  });

  it('invalidate during a load: its result is never handed out', async () => {
    const { cache, closed, loads } = harness();
    const first = cache.acquire('a');
    await tick(1); // loading
    cache.invalidate('a');
    const lease = await first;
    expect(loads).toEqual(['a', 'a']);
    expect(closed).toHaveLength(1);
    expect(lease.resource.id).not.toBe(closed[0].id);
    lease.release();
    await cache.close();
  });

  it('close() waits for leases still out, then closes everything', async () => {
    const { cache, closed } = harness();
    const a = await cache.acquire('a');
    (await cache.acquire('b')).release();
    let done = false;
    const closing = cache.close().then(() => (done = true));
    await tick(20);
    expect(done).toBe(false);
    a.release();
    await closing;
    expect(closed.map((r) => r.tenantId).sort()).toEqual(['a', 'b']);
    await expect(cache.acquire('c')).rejects.toMatchObject({ reason: 'closing' });
  });

  it('close() does not wait forever for a lease that is never released', async () => {
    const { cache, closed } = harness();
    await cache.acquire('leaked');
    const started = Date.now();
    await cache.close(50);
    expect(Date.now() - started).toBeLessThan(2_000);
    await expectEventually(() => expect(closed.map((r) => r.tenantId)).toEqual(['leaked']));
  });
});
