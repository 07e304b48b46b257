import { productNameSchema } from '@enclave/contracts';
import { ChannelModel, connect as amqpConnect } from 'amqplib';
import { MongoClient } from 'mongodb';
import { Client, PoolClient, PoolConfig } from 'pg';
import {
  TenantAmqpConnections,
  TenantAmqpLease,
  TenantAmqpLimits,
} from '../amqp/tenant-amqp.connections';
import { TenancyUnavailableError } from '../errors/tenancy-unavailable.error';
import { TenantNotReadyError } from '../errors/tenant-not-ready.error';
import { TenantSuspendedError } from '../errors/tenant-suspended.error';
import { UnknownTenantError } from '../errors/unknown-tenant.error';
import {
  TenantMongoClients,
  TenantMongoLease,
  TenantMongoLimits,
} from '../mongodb/tenant-mongo.clients';
import { PinnedPool } from '../postgres/pinned.pool';
import { TenantConnectionInfo } from '../resolution/tenant-connection-info';
import { TenantResolver } from '../resolution/tenant.resolver';
import { MinimumSecretVersions } from './minimum-secret-versions';
import { ResolutionOutcome, TenancyObserver, TenancyStore } from './tenancy.observer';
import { TenantResourceCache } from './tenant-resource.cache';

export interface TenantPostgresLimits {
  /** Connections per tenant pool (each pool reserves this many under `maxConnections`). Default 4. */
  readonly poolSize?: number;
  /** Hard cap on tenant pools alive at once, draining ones included. Default 100. */
  readonly maxPools?: number;
  /** Hard cap on PostgreSQL connections of all pools together. Default maxPools × poolSize. */
  readonly maxConnections?: number;
  /** A pool unused this long is closed. Default 60 s; 0 keeps pools until evicted. */
  readonly idleTimeoutMs?: number;
  /** How long a request may wait for room under the caps, then for a connection. Default 5 s. */
  readonly acquireTimeoutMs?: number;
  /** application_name of every connection. Default `enclave-<product>`. */
  readonly applicationName?: string;
  /** A replacement for pg's Client class (tests count connections with it). */
  readonly Client?: typeof Client;
}

export interface TenantConnectionManagerOptions {
  /** The product this process is: only its registrations and credentials are used. */
  readonly product: string;
  /**
   * `true`: each tenant gets its own pool, resolved through `resolver`. `false`
   * (MULTI_TENANT_ENABLED=false): one pre-configured database (`singleTenant.postgres`), no
   * resolution, no lifecycle.
   */
  readonly multiTenant: boolean;
  readonly resolver?: TenantResolver;
  readonly postgres?: TenantPostgresLimits;
  /** Per-tenant MongoClients (multi-tenant mode), when the product uses MongoDB. */
  readonly mongodb?: TenantMongoLimits;
  /** Per-tenant AMQP connections (multi-tenant mode), when the product uses RabbitMQ. */
  readonly rabbitmq?: TenantAmqpLimits;
  readonly singleTenant?: {
    /** Connection of the one database, e.g. `{ connectionString }`; `max` defaults to 10. */
    readonly postgres?: PoolConfig;
    readonly mongodb?: { readonly url: string; readonly database: string };
    readonly rabbitmq?: { readonly url: string };
  };
  /**
   * After a rotation, how long a resolution may keep answering credentials older than the rotated
   * ones (the directory has not caught up yet) before requests get 503. Default 5 s.
   */
  readonly staleResolutionTimeoutMs?: number;
}

const AUTH_FAILED = new Set(['28P01', '28000']);
/** Tenants whose rotation floor is remembered; beyond this the oldest floors are dropped. */
const MAX_FLOORS = 10_000;
const STORES = ['postgres', 'mongodb', 'rabbitmq'] as const;

/**
 * Per-tenant connections for one product, under hard caps (see TenantResourceCache): PostgreSQL
 * pools, and MongoClients and AMQP connections when configured. The warm path is one Map lookup
 * plus a pool checkout. Each resource is built from what the resolver returns for the tenant (its
 * database or pinned schema, its Mongo database, its vhost) and logs in as the tenant's own user,
 * so it can reach nothing else. One resolve per cold tenant serves all three stores.
 */
export class TenantConnectionManager {
  readonly multiTenant: boolean;
  private readonly pools?: TenantResourceCache<PinnedPool>;
  private readonly single?: PinnedPool;
  private readonly mongo?: TenantMongoClients;
  private readonly amqp?: TenantAmqpConnections;
  private singleMongo?: Promise<MongoClient>;
  private singleAmqp?: Promise<ChannelModel>;
  /** Resolutions in flight, shared by every store's cache (one resolve per cold tenant). */
  private readonly resolving = new Map<string, Promise<TenantConnectionInfo>>();
  /** Per tenant, the vault versions a rotation made current: older resolutions are stale. */
  private readonly floors = new Map<string, MinimumSecretVersions>();
  private readonly noop = () => undefined;
  private observers: readonly TenancyObserver[] = [];

  constructor(private readonly options: TenantConnectionManagerOptions) {
    productNameSchema.parse(options.product);
    this.multiTenant = options.multiTenant;
    const limits = options.postgres ?? {};
    const applicationName = limits.applicationName ?? `enclave-${options.product}`;
    const acquireTimeoutMs = limits.acquireTimeoutMs ?? 5_000;

    if (!options.multiTenant) {
      const connection = options.singleTenant?.postgres;
      if (connection) {
        this.single = new PinnedPool({
          connection,
          max: connection.max ?? 10,
          checkoutTimeoutMs: acquireTimeoutMs,
          applicationName,
          label: options.product,
          Client: limits.Client,
        });
      }
      return;
    }

    const resolver = options.resolver;
    if (!resolver) throw new Error('multi-tenant mode needs a TenantResolver');
    const resolve = (tenantId: string) => this.resolve(resolver, tenantId);
    if (options.mongodb)
      this.mongo = new TenantMongoClients(resolve, options.mongodb, applicationName);
    if (options.rabbitmq)
      this.amqp = new TenantAmqpConnections(resolve, options.rabbitmq, applicationName);
    const poolSize = limits.poolSize ?? 4;
    const maxPools = limits.maxPools ?? 100;
    const maxConnections = limits.maxConnections ?? maxPools * poolSize;
    if (poolSize > maxConnections) {
      throw new Error(`poolSize ${poolSize} exceeds maxConnections ${maxConnections}`);
    }
    this.pools = new TenantResourceCache<PinnedPool>({
      name: 'postgres',
      maxEntries: maxPools,
      maxWeight: maxConnections,
      idleTimeoutMs: limits.idleTimeoutMs ?? 60_000,
      acquireTimeoutMs,
      close: (pool) => pool.close(),
      load: async (tenantId) => {
        const pg = (await resolve(tenantId)).postgres;
        if (!pg) throw new Error(`${options.product} has no PostgreSQL endpoint configured`);
        return {
          weight: poolSize,
          create: () =>
            new PinnedPool({
              connection: {
                host: pg.host,
                port: pg.port,
                database: pg.database,
                user: pg.username,
                password: pg.password,
              },
              schema: pg.schema,
              max: poolSize,
              checkoutTimeoutMs: acquireTimeoutMs,
              applicationName,
              label: `tenant ${tenantId}`,
              Client: limits.Client,
            }),
        };
      },
    });
  }

  /**
   * A connection to the tenant's database, in its schema, as its role. Release it (`release()`)
   * when done; TenantContext does that at the end of the request.
   */
  postgres(tenantId: string): Promise<PoolClient> {
    return this.timed('postgres', () => this.postgresLease(tenantId));
  }

  /** The tenant's MongoDB database (its own user); `release()` the lease when done. */
  mongodb(tenantId: string): Promise<TenantMongoLease> {
    return this.timed('mongodb', () => this.mongodbLease(tenantId));
  }

  /** The tenant's AMQP connection (its own vhost); `release()` the lease when done. */
  rabbitmq(tenantId: string): Promise<TenantAmqpLease> {
    return this.timed('rabbitmq', () => this.rabbitmqLease(tenantId));
  }

  /** Tells `observer` about every resolution and lease from now on; returns the way to stop. */
  observe(observer: TenancyObserver): () => void {
    this.observers = [...this.observers, observer];
    return () => (this.observers = this.observers.filter((o) => o !== observer));
  }

  private async postgresLease(tenantId: string): Promise<PoolClient> {
    if (!this.pools) {
      if (!this.single)
        throw new Error('no PostgreSQL database is configured for single-tenant mode');
      return this.single.checkout(this.noop);
    }
    try {
      return await this.checkout(this.pools, tenantId);
    } catch (error) {
      // Credentials rotated under a warm pool: forget it and log in again with the new ones, once.
      if (!AUTH_FAILED.has((error as { code?: string }).code ?? '')) throw error;
      this.invalidate(tenantId);
      return this.checkout(this.pools, tenantId);
    }
  }

  private async mongodbLease(tenantId: string): Promise<TenantMongoLease> {
    if (this.mongo) return this.mongo.lease(tenantId);
    const single = this.options.singleTenant?.mongodb;
    if (this.multiTenant || !single) throw new Error('MongoDB is not configured for this product');
    this.singleMongo ??= new MongoClient(single.url, {
      appName: `enclave-${this.options.product}`,
    }).connect();
    const client = await this.singleMongo;
    return { client, db: client.db(single.database), release: this.noop };
  }

  private async rabbitmqLease(tenantId: string): Promise<TenantAmqpLease> {
    if (this.amqp) return this.amqp.lease(tenantId);
    const single = this.options.singleTenant?.rabbitmq;
    if (this.multiTenant || !single) throw new Error('RabbitMQ is not configured for this product');
    this.singleAmqp ??= amqpConnect(single.url);
    return { connection: await this.singleAmqp, release: this.noop };
  }

  /**
   * Forgets the tenant's connections (credentials rotated, tenant suspended or offboarded): the next
   * request resolves again; work in flight finishes on the old pool, which then closes.
   *
   * `minimumSecretVersions` (from CredentialsRotated) makes the next resolution wait for
   * credentials at least that new. The platform's directory learns of a rotation from the same
   * event, maybe after this process; resolving the old password then would fail to log in.
   */
  invalidate(tenantId: string, minimumSecretVersions?: MinimumSecretVersions): void {
    if (minimumSecretVersions) this.raiseFloor(tenantId, minimumSecretVersions);
    this.resolving.delete(tenantId);
    this.pools?.invalidate(tenantId);
    this.mongo?.invalidate(tenantId);
    this.amqp?.invalidate(tenantId);
  }

  /**
   * Closes every connection: idle ones now, leased ones when released, and after `drainTimeoutMs`
   * whatever is still leased (so a leaked lease cannot hold shutdown).
   */
  async close(drainTimeoutMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, drainTimeoutMs)));
    await Promise.all([
      this.pools?.close(drainTimeoutMs),
      this.mongo?.close(drainTimeoutMs),
      this.amqp?.close(drainTimeoutMs),
      this.single && Promise.race([this.single.close(), deadline]),
      this.singleMongo?.then((c) => c.close()).catch(() => undefined),
      this.singleAmqp?.then((c) => c.close()).catch(() => undefined),
    ]);
    clearTimeout(timer);
  }

  stats() {
    return {
      postgres: this.pools?.stats(),
      mongodb: this.mongo?.stats(),
      rabbitmq: this.amqp?.stats(),
      single: this.single && { connections: this.single.connections, busy: this.single.busy },
    };
  }

  /** Without observers this is the lease itself: the warm path pays nothing for metrics. */
  private timed<T>(store: TenancyStore, lease: () => Promise<T>): Promise<T> {
    if (this.observers.length === 0) return lease();
    const started = performance.now();
    const report = (outcome: 'ok' | 'error') => {
      const seconds = (performance.now() - started) / 1000;
      for (const observer of this.observers) observer.acquired?.(store, outcome, seconds);
    };
    return lease().then(
      (leased) => {
        report('ok');
        return leased;
      },
      (error: unknown) => {
        report('error');
        throw error;
      },
    );
  }

  private async checkout(
    pools: TenantResourceCache<PinnedPool>,
    tenantId: string,
  ): Promise<PoolClient> {
    const entry = pools.tryAcquire(tenantId) ?? (await pools.acquire(tenantId));
    return entry.resource.checkout(entry.release);
  }

  /** One resolve per tenant at a time, whichever store asked first. */
  private resolve(resolver: TenantResolver, tenantId: string): Promise<TenantConnectionInfo> {
    let pending = this.resolving.get(tenantId);
    if (pending === undefined) {
      pending = this.observed(this.resolveFresh(resolver, tenantId));
      this.resolving.set(tenantId, pending);
      const done = () => {
        if (this.resolving.get(tenantId) === pending) this.resolving.delete(tenantId);
      };
      pending.then(done, done);
    }
    return pending;
  }

  private observed(resolution: Promise<TenantConnectionInfo>): Promise<TenantConnectionInfo> {
    if (this.observers.length === 0) return resolution;
    const started = performance.now();
    const report = (outcome: ResolutionOutcome) => {
      const seconds = (performance.now() - started) / 1000;
      for (const observer of this.observers) observer.resolved?.(outcome, seconds);
    };
    resolution.then(
      () => report('ready'),
      (error: unknown) => report(outcomeOf(error)),
    );
    return resolution;
  }

  /** Resolves until the answer is at least as new as the tenant's rotation floor, with backoff. */
  private async resolveFresh(
    resolver: TenantResolver,
    tenantId: string,
  ): Promise<TenantConnectionInfo> {
    const deadline = Date.now() + (this.options.staleResolutionTimeoutMs ?? 5_000);
    for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
      const info = assertServable(await resolver.resolve(tenantId, this.options.product));
      const floor = this.floors.get(tenantId);
      const stale = floor
        ? STORES.filter((s) => (info[s]?.secretVersion ?? Infinity) < (floor[s] ?? 0))
        : [];
      if (stale.length === 0) {
        if (floor !== undefined && this.floors.get(tenantId) === floor)
          this.floors.delete(tenantId);
        return info;
      }
      if (Date.now() + delay > deadline) {
        throw new TenancyUnavailableError(
          'directory-stale',
          `the platform's tenant directory still answers ${stale.join(', ')} credentials older than the rotated ones`,
          tenantId,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  private raiseFloor(tenantId: string, minimum: MinimumSecretVersions): void {
    const current = this.floors.get(tenantId) ?? {};
    const raised: MinimumSecretVersions = { ...current };
    for (const store of STORES) {
      const version = minimum[store];
      if (version !== undefined && version > (current[store] ?? 0)) raised[store] = version;
    }
    // Re-inserted so the Map's order is recency: the oldest floor goes first past the bound.
    this.floors.delete(tenantId);
    this.floors.set(tenantId, raised);
    if (this.floors.size > MAX_FLOORS) this.floors.delete(this.floors.keys().next().value!);
  }
}

function outcomeOf(error: unknown): ResolutionOutcome {
  if (error instanceof TenantSuspendedError) return 'suspended';
  if (error instanceof TenantNotReadyError) return 'not-ready';
  if (error instanceof UnknownTenantError) return 'unknown';
  if (error instanceof TenancyUnavailableError) return 'unavailable';
  return 'error';
}

/** Resolvers throw for tenants that cannot be served; a custom one that does not is caught here. */
function assertServable(info: TenantConnectionInfo): TenantConnectionInfo {
  if (info.state === 'ready') return info;
  if (info.state === 'suspended') throw new TenantSuspendedError(info.tenantId, info.product);
  throw new TenantNotReadyError(info.tenantId, info.product, info.state);
}
