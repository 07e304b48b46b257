import { TenancyUnavailableError } from '../errors/tenancy-unavailable.error';

/** What `load` decided to build for a tenant: its cost against the caps, and how to build it. */
export interface ResourcePlan<R> {
  /** Connections the resource may hold at most (a pool's max size); reserved before `create`. */
  readonly weight: number;
  create(): R | Promise<R>;
}

export interface TenantResourceCacheOptions<R> {
  /** Names the store in errors, e.g. `postgres`. */
  readonly name: string;
  /** Hard cap on resources (pools, clients) alive at once, draining ones included. */
  readonly maxEntries: number;
  /** Hard cap on the sum of their weights (connections), draining ones included. */
  readonly maxWeight: number;
  /** A resource nobody used for this long is closed. 0 disables idle eviction. */
  readonly idleTimeoutMs: number;
  /** How long a cold acquire may wait for room under the caps before failing with 503. */
  readonly acquireTimeoutMs: number;
  /** Resolves the tenant and plans its resource (throws the typed tenant errors). */
  load(tenantId: string): Promise<ResourcePlan<R>>;
  /** Closes a resource; resolves only once all of its connections are gone. */
  close(resource: R): Promise<void>;
}

type EntryState = 'open' | 'retiring' | 'closing' | 'closed';

/** A held resource and the (idempotent) way to give it back. */
export interface ResourceLease<R> {
  readonly resource: R;
  release(): void;
}

/** One tenant's resource. Callers hold it between `acquire` and `release`. */
export class CachedResource<R> {
  /** Leases not yet released: a resource with leases is never closed. */
  active = 0;
  /** When the last lease was released (ms since epoch); LRU order for eviction. */
  idleSince = 0;
  state: EntryState = 'open';
  /** Releases one lease; made once per resource so the warm path allocates no closure. */
  readonly release: () => void;

  constructor(
    readonly tenantId: string,
    readonly resource: R,
    readonly weight: number,
    cache: { release(entry: CachedResource<R>): void },
  ) {
    this.release = () => cache.release(this);
  }
}

interface Load<R> {
  promise: Promise<CachedResource<R>>;
  /** Callers waiting on this load: the resource is born with one lease for each. */
  joined: number;
  /** Set by invalidate(): whatever this load produces is closed, never handed out. */
  stale: boolean;
}

interface Waiter {
  readonly weight: number;
  resolve(): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

const MAX_ACQUIRE_ATTEMPTS = 3;

/**
 * One resource per tenant (a pg Pool, a MongoClient, an AMQP connection) under two hard caps: how
 * many resources exist and how many connections they may hold together. Room is reserved before a
 * resource is built and given back only once it has fully closed, so the caps hold for live
 * connections too, not just for map entries.
 *
 * - Warm path: a Map lookup and a counter (`tryAcquire`), no allocation, no timers.
 * - Cold path: concurrent first requests for a tenant share one `load` and one resource.
 * - Full: the least recently used idle resource is closed to make room; if none is idle the caller
 *   waits (FIFO) until one is, or fails after `acquireTimeoutMs` with TenancyUnavailableError (503).
 * - invalidate(): new requests get a new resource; leases on the old one finish, then it closes.
 */
export class TenantResourceCache<R> {
  private readonly entries = new Map<string, CachedResource<R>>();
  private readonly loads = new Map<string, Load<R>>();
  private readonly waiters: Waiter[] = [];
  private readonly closings = new Set<Promise<void>>();
  /** Retired resources whose leases are still out. */
  private readonly draining = new Set<CachedResource<R>>();
  private onSettled?: () => void;
  private usedEntries = 0;
  private usedWeight = 0;
  private closingEntries = 0;
  private closingWeight = 0;
  private readonly sweeper?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: TenantResourceCacheOptions<R>) {
    if (!(options.maxEntries >= 1) || !(options.maxWeight >= 1)) {
      throw new Error(`${options.name}: maxEntries and maxWeight must be at least 1`);
    }
    if (options.idleTimeoutMs > 0) {
      this.sweeper = setInterval(() => this.sweep(), Math.max(50, options.idleTimeoutMs / 2));
      this.sweeper.unref();
    }
  }

  /** The warm path: the tenant's open resource with a lease taken, or undefined. */
  tryAcquire(tenantId: string): CachedResource<R> | undefined {
    const entry = this.entries.get(tenantId);
    if (entry !== undefined) entry.active++;
    return entry;
  }

  /** The tenant's resource with a lease taken; every lease must be `release`d exactly once. */
  async acquire(tenantId: string): Promise<CachedResource<R>> {
    for (let attempt = 1; ; attempt++) {
      const warm = this.tryAcquire(tenantId);
      if (warm !== undefined) return warm;
      if (this.closed) throw this.closingError(tenantId);
      const load = this.loads.get(tenantId) ?? this.startLoad(tenantId);
      load.joined++;
      const entry = await load.promise;
      // The lease was taken for us when the resource was built, so nothing can evict it between
      // then and now. A stale load's resource has no leases and is already closing: load again.
      if (entry.state === 'open' || entry.state === 'retiring') return entry;
      if (attempt >= MAX_ACQUIRE_ATTEMPTS) {
        throw new TenancyUnavailableError(
          'capacity-exhausted',
          `${this.options.name}: tenant ${tenantId} was invalidated ${attempt} times while connecting`,
          tenantId,
        );
      }
    }
  }

  /**
   * `acquire` for callers that hand the release to someone else (a request, a product's code):
   * releasing twice is harmless, only the first call counts.
   */
  async lease(tenantId: string): Promise<ResourceLease<R>> {
    const entry = this.tryAcquire(tenantId) ?? (await this.acquire(tenantId));
    let released = false;
    return {
      resource: entry.resource,
      release: () => {
        if (released) return;
        released = true;
        entry.release();
      },
    };
  }

  release(entry: CachedResource<R>): void {
    if (--entry.active > 0) return;
    entry.idleSince = Date.now();
    if (entry.state === 'retiring') this.beginClose(entry);
    else if (this.waiters.length > 0) this.pump();
  }

  /**
   * Stops handing out the tenant's current resource (credentials rotated, tenant suspended): the
   * next acquire builds a new one, leases on the old one finish normally, then it is closed.
   */
  invalidate(tenantId: string): void {
    const load = this.loads.get(tenantId);
    if (load !== undefined) {
      load.stale = true;
      this.loads.delete(tenantId);
    }
    const entry = this.entries.get(tenantId);
    if (entry !== undefined) this.retire(entry);
  }

  /** Retires the tenant's resource only if it is still `resource` (a broken connection's own report). */
  discard(tenantId: string, resource: R): void {
    const entry = this.entries.get(tenantId);
    if (entry !== undefined && entry.resource === resource) this.retire(entry);
  }

  /**
   * Closes everything: waiters fail, idle resources close now, leased ones once released. A lease
   * never released (a bug in the caller) does not hold shutdown: after `drainTimeoutMs` its
   * resource is closed anyway and close() returns.
   */
  async close(drainTimeoutMs = 10_000): Promise<void> {
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(this.closingError());
    }
    for (const load of this.loads.values()) load.stale = true;
    await Promise.allSettled([...this.loads.values()].map((l) => l.promise));
    for (const entry of [...this.entries.values()]) this.retire(entry);
    if (this.draining.size === 0 && this.closings.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const settled = new Promise<void>((resolve) => (this.onSettled = resolve));
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), drainTimeoutMs);
    });
    if (await Promise.race([settled.then(() => false), timedOut])) {
      for (const entry of [...this.draining]) this.beginClose(entry);
    }
    clearTimeout(timer);
  }

  stats() {
    let leases = 0;
    for (const entry of this.entries.values()) leases += entry.active;
    for (const entry of this.draining) leases += entry.active;
    return {
      entries: this.entries.size,
      leases,
      reservedEntries: this.usedEntries,
      reservedWeight: this.usedWeight,
      closing: this.closingEntries,
      loading: this.loads.size,
      waiting: this.waiters.length,
    };
  }

  private startLoad(tenantId: string): Load<R> {
    const load = { joined: 0, stale: false } as Load<R>;
    load.promise = this.build(tenantId, load);
    this.loads.set(tenantId, load);
    const forget = () => {
      if (this.loads.get(tenantId) === load) this.loads.delete(tenantId);
    };
    load.promise.then(forget, forget);
    return load;
  }

  private async build(tenantId: string, load: Load<R>): Promise<CachedResource<R>> {
    const deadline = Date.now() + this.options.acquireTimeoutMs;
    // Resolve first: an unknown or suspended tenant never takes room nor evicts anyone.
    const plan = await this.options.load(tenantId);
    const weight = plan.weight;
    if (!(weight >= 1) || weight > this.options.maxWeight) {
      throw new Error(
        `${this.options.name}: weight ${weight} does not fit under maxWeight ${this.options.maxWeight}`,
      );
    }
    await this.reserve(weight, deadline, tenantId);
    let resource: R;
    try {
      resource = await plan.create();
    } catch (error) {
      this.unreserve(weight);
      throw error;
    }
    const entry = new CachedResource(tenantId, resource, weight, this);
    entry.idleSince = Date.now();
    if (load.stale || this.closed) {
      this.beginClose(entry);
    } else {
      entry.active = load.joined;
      this.entries.set(tenantId, entry);
    }
    return entry;
  }

  private reserve(weight: number, deadline: number, tenantId: string): Promise<void> {
    if (this.waiters.length === 0 && this.fits(weight)) {
      this.take(weight);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        weight,
        resolve,
        reject,
        timer: setTimeout(
          () => {
            const index = this.waiters.indexOf(waiter);
            if (index >= 0) this.waiters.splice(index, 1);
            reject(
              new TenancyUnavailableError(
                'capacity-exhausted',
                `${this.options.name}: no room for tenant ${tenantId} within ${this.options.acquireTimeoutMs} ms ` +
                  `(${this.usedEntries}/${this.options.maxEntries} resources, ` +
                  `${this.usedWeight}/${this.options.maxWeight} connections, all in use)`,
                tenantId,
              ),
            );
            // The head may have changed: let the next waiter drive eviction.
            this.pump();
          },
          Math.max(0, deadline - Date.now()),
        ),
      };
      waiter.timer.unref?.();
      this.waiters.push(waiter);
      this.pump();
    });
  }

  private fits(weight: number): boolean {
    return (
      this.usedEntries + 1 <= this.options.maxEntries &&
      this.usedWeight + weight <= this.options.maxWeight
    );
  }

  private take(weight: number): void {
    this.usedEntries += 1;
    this.usedWeight += weight;
  }

  private unreserve(weight: number): void {
    this.usedEntries -= 1;
    this.usedWeight -= weight;
    this.pump();
  }

  /**
   * Serves waiters in order. When the head does not fit, idle resources are retired (least recently
   * used first) until those closing will free room for every waiter, not just the head: closes run
   * in parallel instead of one per waiter in turn.
   */
  private pump(): void {
    while (this.waiters.length > 0) {
      const head = this.waiters[0];
      if (this.fits(head.weight)) {
        this.waiters.shift();
        clearTimeout(head.timer);
        this.take(head.weight);
        head.resolve();
        continue;
      }
      const wantedWeight = this.waiters.reduce((sum, w) => sum + w.weight, 0);
      while (
        this.usedEntries + this.waiters.length - this.closingEntries > this.options.maxEntries ||
        this.usedWeight + wantedWeight - this.closingWeight > this.options.maxWeight
      ) {
        const victim = this.leastRecentlyUsedIdle();
        if (victim === undefined) return; // wait for a lease to be released
        this.retire(victim);
      }
      return; // wait for the closes under way
    }
  }

  private leastRecentlyUsedIdle(): CachedResource<R> | undefined {
    let victim: CachedResource<R> | undefined;
    for (const entry of this.entries.values()) {
      if (entry.active === 0 && (victim === undefined || entry.idleSince < victim.idleSince)) {
        victim = entry;
      }
    }
    return victim;
  }

  private retire(entry: CachedResource<R>): void {
    if (entry.state !== 'open') return;
    entry.state = 'retiring';
    if (this.entries.get(entry.tenantId) === entry) this.entries.delete(entry.tenantId);
    if (entry.active === 0) this.beginClose(entry);
    else this.draining.add(entry);
  }

  private beginClose(entry: CachedResource<R>): void {
    if (entry.state === 'closing' || entry.state === 'closed') return;
    entry.state = 'closing';
    this.draining.delete(entry);
    this.closingEntries += 1;
    this.closingWeight += entry.weight;
    const closing = this.options
      .close(entry.resource)
      .catch(() => undefined) // a failed close still means its connections are gone
      .then(() => {
        entry.state = 'closed';
        this.closingEntries -= 1;
        this.closingWeight -= entry.weight;
        this.closings.delete(closing);
        this.unreserve(entry.weight);
        if (this.onSettled && this.draining.size === 0 && this.closings.size === 0)
          this.onSettled();
      });
    this.closings.add(closing);
  }

  private sweep(): void {
    const horizon = Date.now() - this.options.idleTimeoutMs;
    for (const entry of [...this.entries.values()]) {
      if (entry.active === 0 && entry.idleSince <= horizon) this.retire(entry);
    }
  }

  private closingError(tenantId?: string): TenancyUnavailableError {
    return new TenancyUnavailableError('closing', `${this.options.name}: shutting down`, tenantId);
  }
}
