import { EventEmitter } from 'node:events';
import type { Client, ClientConfig } from 'pg';

interface FakeQueryResult {
  rows: Array<Record<string, unknown>>;
  rowCount: number;
}

/**
 * An in-process stand-in for a PostgreSQL server, for unit specs: hands out a Client class that
 * pg-pool drives like the real one and counts every socket from connect to close, so the specs can
 * assert the caps on live connections, not on bookkeeping. Understands a few statements:
 * `sleep <ms>`, `SHOW search_path`, `SET search_path = …`, `BEGIN`, `COMMIT`, `fail`.
 */
export class FakePgServer {
  live = 0;
  peak = 0;
  connects = 0;
  /** Live sockets per user (one user per tenant pool). */
  readonly liveByUser = new Map<string, number>();
  peakUsers = 0;
  /** Passwords refused with SQLSTATE 28P01. */
  readonly refusedPasswords = new Set<string>();
  /** Logins refused so far. */
  refusals = 0;

  readonly Client: typeof Client;

  constructor() {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const server = this;

    class FakeClient extends EventEmitter {
      readonly connection = Object.assign(new EventEmitter(), {
        stream: { destroy: () => this.closeSocket() },
      });
      _queryable = false;
      _ending = false;
      private opened = false;
      private closed = false;
      private txStatus: 'I' | 'T' | null = null;
      searchPath: string;
      readonly user: string;

      constructor(readonly config: ClientConfig) {
        super();
        this.user = String(config.user ?? 'single');
        const pinned = /-c search_path=(\S+)/.exec(config.options ?? '');
        this.searchPath = pinned ? pinned[1] : '"$user", public';
      }

      connect(callback: (err?: Error) => void): void {
        setImmediate(() => {
          if (server.refusedPasswords.has(String(this.config.password))) {
            server.refusals++;
            const error = Object.assign(new Error('password authentication failed'), {
              code: '28P01',
            });
            callback(error);
            return;
          }
          this.opened = true;
          this._queryable = true;
          this.txStatus = 'I';
          server.opened(this.user);
          callback();
        });
      }

      query(text: string | { text: string }, ...rest: unknown[]): Promise<FakeQueryResult> | void {
        const callback = rest.find((r) => typeof r === 'function') as
          ((err: Error | null, result?: FakeQueryResult) => void) | undefined;
        const promise = this.run(typeof text === 'string' ? text : text.text);
        if (!callback) return promise;
        promise.then(
          (result) => callback(null, result),
          (error) => callback(error),
        );
      }

      getTransactionStatus() {
        return this.txStatus;
      }

      ref() {}
      unref() {}

      end(callback?: () => void): Promise<void> | void {
        this._ending = true;
        if (!this.opened || this.closed) {
          callback?.();
          return callback ? undefined : Promise.resolve();
        }
        const done = new Promise<void>((resolve) => this.connection.once('end', () => resolve()));
        if (callback) this.connection.once('end', callback);
        setImmediate(() => this.closeSocket());
        return callback ? undefined : done;
      }

      private closeSocket(): void {
        if (this.closed || !this.opened) return;
        this.closed = true;
        this._queryable = false;
        server.closed(this.user);
        // Like pg: the connection's `end` first, the client's a tick later.
        this.connection.emit('end');
        process.nextTick(() => this.emit('end'));
      }

      private async run(sql: string): Promise<FakeQueryResult> {
        if (!this._queryable)
          throw new Error('Client has encountered a connection error and is not queryable');
        const sleep = /^sleep (\d+)$/.exec(sql);
        if (sleep) await new Promise((r) => setTimeout(r, Number(sleep[1])));
        else await new Promise((r) => setImmediate(r));
        if (this.closed) throw new Error('Connection terminated');
        if (/^show search_path$/i.test(sql)) return result([{ search_path: this.searchPath }]);
        const set = /^set search_path\s*(?:=|to)\s*(.+)$/i.exec(sql);
        if (set) this.searchPath = set[1];
        if (/^begin$/i.test(sql)) this.txStatus = 'T';
        if (/^(commit|rollback)$/i.test(sql)) this.txStatus = 'I';
        if (sql === 'fail') throw Object.assign(new Error('boom'), { code: 'XX000' });
        return result([{ user: this.user }]);
      }
    }

    this.Client = FakeClient as unknown as typeof Client;
  }

  private opened(user: string): void {
    this.connects++;
    this.live++;
    this.peak = Math.max(this.peak, this.live);
    this.liveByUser.set(user, (this.liveByUser.get(user) ?? 0) + 1);
    this.peakUsers = Math.max(this.peakUsers, this.liveByUser.size);
  }

  private closed(user: string): void {
    this.live--;
    const left = (this.liveByUser.get(user) ?? 1) - 1;
    if (left === 0) this.liveByUser.delete(user);
    else this.liveByUser.set(user, left);
  }
}

function result(rows: Array<Record<string, unknown>>): FakeQueryResult {
  return { rows, rowCount: rows.length };
}
