import type { DataSource } from 'typeorm';
import { newOperatorToken, operatorTokenHash } from './operator-token.hash';
import { OPERATOR_TOKEN_CACHE_MS, OperatorTokenStore } from './operator-token.store';

/** Stands for the table: the rows the store's query would return, and how often it asked. */
class FakeTable {
  rows: { name: string; expires_at: Date | null }[] = [];
  queries: unknown[][] = [];
  readonly dataSource = {
    query: (_sql: string, params: unknown[]) => {
      this.queries.push(params);
      return Promise.resolve(this.rows);
    },
  } as unknown as DataSource;
}

describe('OperatorTokenStore', () => {
  let table: FakeTable;
  let store: OperatorTokenStore;
  const token = newOperatorToken();

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-12-05T12:00:00Z') });
    table = new FakeTable();
    store = new OperatorTokenStore(table.dataSource);
  });

  afterEach(() => jest.useRealTimers());

  it('looks a token up by its SHA-256, never by the token itself', async () => {
    table.rows = [{ name: 'ada', expires_at: null }];
    expect(await store.actorFor(token)).toEqual({ kind: 'operator', name: 'ada' });
    expect(table.queries).toEqual([[operatorTokenHash(token)]]);
  });

  it('refuses what is not a named token without asking the database', async () => {
    expect(await store.actorFor('ept_ledger.1.2.abc')).toBeNull();
    expect(table.queries).toHaveLength(0);
  });

  it('reuses an answer for at most the cache time, so a revocation is seen within it', async () => {
    table.rows = [{ name: 'ada', expires_at: null }];
    await store.actorFor(token);
    table.rows = []; // revoked
    jest.advanceTimersByTime(OPERATOR_TOKEN_CACHE_MS - 1);
    expect(await store.actorFor(token)).toEqual({ kind: 'operator', name: 'ada' });
    jest.advanceTimersByTime(1);
    expect(await store.actorFor(token)).toBeNull();
    expect(table.queries).toHaveLength(2);
  });

  it('never admits a token from the cache past its expiry', async () => {
    table.rows = [{ name: 'ada', expires_at: new Date(Date.now() + 500) }];
    expect(await store.actorFor(token)).not.toBeNull();
    table.rows = []; // the query's own expiry check from now on
    jest.advanceTimersByTime(500);
    expect(await store.actorFor(token)).toBeNull();
  });

  it('issues distinct, prefixed, 256-bit tokens', () => {
    const tokens = new Set(Array.from({ length: 50 }, newOperatorToken));
    expect(tokens.size).toBe(50);
    for (const t of tokens) expect(t).toMatch(/^enop_[A-Za-z0-9_-]{43}$/);
  });
});
