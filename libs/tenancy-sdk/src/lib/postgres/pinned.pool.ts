import { Client, Pool, PoolClient, PoolConfig } from 'pg';
import { TenancyUnavailableError } from '../errors/tenancy-unavailable.error';

export interface PinnedPoolOptions {
  /** Where and as whom to connect (host, port, database, user, password or connectionString). */
  readonly connection: PoolConfig;
  /** The schema every connection is pinned to, for the connection's life; none in single-tenant mode. */
  readonly schema?: string;
  /** Most connections the pool opens; never exceeded, not even while a discarded one closes. */
  readonly max: number;
  /** How long a checkout may wait for a connection (connecting included) before a 503. */
  readonly checkoutTimeoutMs: number;
  /** Shown in pg_stat_activity, so operators (and tests) can count the SDK's connections. */
  readonly applicationName: string;
  /** Names the tenant in errors. */
  readonly label: string;
  /** A replacement for pg's Client class (tests count connections with it). */
  readonly Client?: typeof Client;
}

/**
 * Statements that change session state which would outlive the checkout: SET of the search_path, the
 * role or the session user, and set_config(). A connection that ran one is closed instead of being
 * pooled. Reading the setting (SHOW, current_setting) does not count.
 */
const SESSION_CHANGING =
  /\bset\s+(?:session\s+)?(?:search_path|role|session\s+authorization)\b|\bsearch_path\s*(?:=|to\b)|\bset_config\s*\(/i;
const SAFE_SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

// Per physical connection, kept on the client itself (no side table, no lookup per query).
const TAINTED = Symbol('tenancy.tainted');
const ENDED = Symbol('tenancy.ended');
const HOLDS_SLOT = Symbol('tenancy.holdsSlot');

interface TrackedClient extends PoolClient {
  [TAINTED]?: boolean;
  [ENDED]?: boolean;
  [HOLDS_SLOT]?: boolean;
}

/**
 * A pg.Pool for one tenant whose connections all start in the tenant's schema and stay there.
 *
 * The search_path is a startup parameter (`options=-c search_path=…`), so it is the session's own
 * default from the first byte, not a SET that a later RESET or DISCARD could undo. A checkout that
 * could have changed it (or left a transaction open, or failed) is not returned to the pool: that
 * connection is closed, and the pool shrinks by one until its socket is gone, so closing and
 * replacing it never puts the pool above `max`.
 */
export class PinnedPool {
  private readonly pool: Pool;
  private sockets = 0;
  private onLastSocket?: () => void;

  constructor(readonly options: PinnedPoolOptions) {
    if (options.schema !== undefined && !SAFE_SCHEMA.test(options.schema)) {
      throw new Error(`refusing to pin unsafe schema name ${JSON.stringify(options.schema)}`);
    }
    this.pool = new Pool({
      ...options.connection,
      max: options.max,
      // The cache evicts whole pools when idle; trimming single connections would open and close
      // sockets behind its accounting.
      idleTimeoutMillis: 0,
      connectionTimeoutMillis: options.checkoutTimeoutMs,
      application_name: options.applicationName,
      ...(options.schema !== undefined && { options: `-c search_path="${options.schema}"` }),
      ...(options.Client && { Client: options.Client }),
    });
    // A connection that dies while idle is removed by pg-pool; without a listener it would crash.
    this.pool.on('error', () => undefined);
    this.pool.on('connect', (client) => this.track(client as TrackedClient));
  }

  /** Live sockets (connected or closing). */
  get connections(): number {
    return this.sockets;
  }

  get busy(): number {
    return this.pool.totalCount - this.pool.idleCount;
  }

  /**
   * A connection for one unit of work. Its `release()` is idempotent and calls `onRelease` once,
   * after the connection is back in the pool (or on its way out).
   */
  async checkout(onRelease: () => void): Promise<PoolClient> {
    let client: TrackedClient;
    try {
      client = (await this.pool.connect()) as TrackedClient;
    } catch (error) {
      onRelease();
      throw this.checkoutError(error);
    }
    const poolRelease = client.release;
    let released = false;
    client.release = (err?: Error | boolean) => {
      if (released) return;
      released = true;
      this.giveBack(client, poolRelease, err);
      onRelease();
    };
    return client;
  }

  /** Ends the pool; resolves once every socket is closed. Leases must have been released. */
  async close(): Promise<void> {
    const allClosed =
      this.sockets === 0 ? Promise.resolve() : new Promise<void>((r) => (this.onLastSocket = r));
    await this.pool.end();
    await allClosed;
  }

  private track(client: TrackedClient): void {
    this.sockets++;
    // pg-pool listens only while a connection is idle. One ended by the server while checked out
    // (a suspension or rotation grace terminating the session) emits `error` between queries too:
    // the lease's next query fails with it, and the process must not crash. Never reused after.
    client.on('error', () => (client[TAINTED] = true));
    // On the connection, not the client: the client re-emits `end` a tick later, after pg-pool has
    // already looked for room to open a replacement.
    client.connection.once('end', () => {
      client[ENDED] = true;
      if (client[HOLDS_SLOT]) {
        client[HOLDS_SLOT] = false;
        this.pool.options.max += 1;
      }
      if (--this.sockets === 0) this.onLastSocket?.();
    });
    const query = client.query;
    client.query = function (this: TrackedClient, ...args: unknown[]) {
      const first = args[0] as string | { text?: unknown } | undefined;
      const text = typeof first === 'string' ? first : first?.text;
      if (typeof text === 'string' && SESSION_CHANGING.test(text)) client[TAINTED] = true;
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof client.query;
  }

  private giveBack(
    client: TrackedClient,
    poolRelease: PoolClient['release'],
    err?: Error | boolean,
  ) {
    const reusable = !err && !client[TAINTED] && client.getTransactionStatus() === 'I';
    if (reusable) return poolRelease();
    if (!client[ENDED]) {
      // Its socket stays counted against this pool until it has closed.
      client[HOLDS_SLOT] = true;
      this.pool.options.max -= 1;
    }
    poolRelease(err instanceof Error ? err : true);
  }

  private checkoutError(error: unknown): Error {
    const message = error instanceof Error ? error.message : String(error);
    if (/timeout exceeded when trying to connect|connection timeout/i.test(message)) {
      return new TenancyUnavailableError(
        'checkout-timeout',
        `${this.options.label}: no PostgreSQL connection free within ${this.options.checkoutTimeoutMs} ms`,
      );
    }
    return error instanceof Error ? error : new Error(message);
  }
}
