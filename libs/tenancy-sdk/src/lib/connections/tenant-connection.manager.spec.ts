import { expectEventually } from '@enclave/testing';
import { PoolClient } from 'pg';
import { FakePgServer } from '../../testing/fake-pg.server';
import { TenantNotReadyError } from '../errors/tenant-not-ready.error';
import { TenantSuspendedError } from '../errors/tenant-suspended.error';
import { UnknownTenantError } from '../errors/unknown-tenant.error';
import { TenantConnectionInfo, TenantState } from '../resolution/tenant-connection-info';
import { TenantResolver } from '../resolution/tenant.resolver';
import {
  TenantConnectionManager,
  TenantConnectionManagerOptions,
  TenantPostgresLimits,
} from './tenant-connection.manager';

/** Resolves `t<n>` tenants to their own user; counts resolutions; rotates passwords on demand. */
class FakeResolver implements TenantResolver {
  readonly calls: string[] = [];
  readonly versions = new Map<string, number>();
  readonly states = new Map<string, TenantState>();
  afterResolve?: (tenantId: string) => void;

  async resolve(tenantId: string, product: string): Promise<TenantConnectionInfo> {
    this.calls.push(tenantId);
    await new Promise((r) => setTimeout(r, 2));
    if (tenantId.startsWith('unknown')) throw new UnknownTenantError(tenantId, product);
    if (tenantId.startsWith('suspended')) throw new TenantSuspendedError(tenantId, product);
    const version = this.versions.get(tenantId) ?? 1;
    this.afterResolve?.(tenantId);
    return {
      tenantId,
      product,
      isolationMode: 'SCHEMA',
      state: this.states.get(tenantId) ?? 'ready',
      postgres: {
        host: '127.0.0.1',
        port: 5432,
        database: 'p_ledger',
        schema: `t_${tenantId.replace(/-/g, '_')}`,
        username: `u_${tenantId}`,
        password: `${tenantId}-v${version}`,
        secretVersion: version,
      },
    };
  }
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

function setup(
  limits: TenantPostgresLimits = {},
  options: Pick<TenantConnectionManagerOptions, 'staleResolutionTimeoutMs'> = {},
) {
  const server = new FakePgServer();
  const resolver = new FakeResolver();
  const manager = new TenantConnectionManager({
    ...options,
    product: 'ledger',
    multiTenant: true,
    resolver,
    postgres: {
      poolSize: 2,
      maxPools: 10,
      maxConnections: 20,
      idleTimeoutMs: 0,
      Client: server.Client,
      ...limits,
    },
  });
  return { server, resolver, manager };
}

describe('TenantConnectionManager (PostgreSQL)', () => {
  it('pins each tenant pool to its schema and logs in as the tenant', async () => {
    const { manager } = setup();
    const client = await manager.postgres('acme');
    expect((await client.query('SHOW search_path')).rows[0].search_path).toBe('"t_acme"');
    expect((await client.query('select')).rows[0].user).toBe('u_acme');
    client.release();
    await manager.close();
  });

  it('single-flight: 50 concurrent first requests, one resolve, one pool', async () => {
    const { manager, resolver, server } = setup();
    const clients = await Promise.all(
      Array.from({ length: 50 }, () => manager.postgres('acme')).map(async (p) => {
        const c = await p;
        await c.query('sleep 1');
        c.release();
        return c;
      }),
    );
    expect(clients).toHaveLength(50);
    expect(resolver.calls).toEqual(['acme']);
    expect(server.peak).toBeLessThanOrEqual(2);
    expect(manager.stats().postgres).toMatchObject({ entries: 1, reservedEntries: 1 });
    await manager.close();
    expect(server.live).toBe(0);
  });

  it('never exceeds 10 pools / 20 live connections under 200 concurrent requests over 50 tenants', async () => {
    const { manager, server } = setup({ acquireTimeoutMs: 20_000 });
    const tenants = Array.from({ length: 50 }, (_, i) => `t${i}`);
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, async (_, i) => {
        const client = await manager.postgres(tenants[(i * 7) % tenants.length]);
        try {
          await client.query(`sleep ${1 + (i % 3)}`);
        } finally {
          client.release();
        }
      }),
    );
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed).toEqual([]);
    expect(server.peak).toBeLessThanOrEqual(20);
    expect(server.peakUsers).toBeLessThanOrEqual(10);
    expect(server.connects).toBeGreaterThan(10); // pools really were evicted and rebuilt
    const stats = manager.stats().postgres;
    expect(stats?.reservedEntries).toBeLessThanOrEqual(10);
    expect(stats?.reservedWeight).toBeLessThanOrEqual(20);
    await manager.close();
    expect(server.live).toBe(0);
  }, 30_000);

  it('invalidate while a query is in flight: the query completes, new requests use fresh credentials', async () => {
    const { manager, server, resolver } = setup();
    const old = await manager.postgres('acme');
    const inFlight = old.query('sleep 80');
    await tick(5);
    resolver.versions.set('acme', 2);
    manager.invalidate('acme');
    const fresh = await manager.postgres('acme');
    expect(resolver.calls).toEqual(['acme', 'acme']);
    await expect(inFlight).resolves.toMatchObject({ rowCount: 1 });
    expect(server.live).toBe(2); // old and new pool, one connection each
    old.release();
    await expectEventually(() => expect(server.live).toBe(1)); // the old pool drained and closed
    await expect(fresh.query('select')).resolves.toMatchObject({ rowCount: 1 });
    fresh.release();
    await manager.close();
  });

  it('closes a connection whose session was changed instead of pooling it, without exceeding the pool size', async () => {
    const { manager, server } = setup({ poolSize: 1 });
    const first = await manager.postgres('acme');
    await first.query('SET search_path = public');
    const waiting = manager.postgres('acme'); // queued behind the only connection
    first.release();
    const second = await waiting;
    expect(second).not.toBe(first);
    expect((await second.query('SHOW search_path')).rows[0].search_path).toBe('"t_acme"');
    expect(server.peak).toBe(1);
    second.release();

    // A transaction left open is not pooled either.
    const third = await manager.postgres('acme');
    await third.query('BEGIN');
    third.release();
    const fourth = await manager.postgres('acme');
    expect(fourth.getTransactionStatus()).toBe('I');
    expect(server.peak).toBe(1);
    expect(server.connects).toBe(3);
    fourth.release();
    await manager.close();
  });

  it('release is idempotent and a released client leaves the pool reusable', async () => {
    const { manager, server } = setup();
    const client: PoolClient = await manager.postgres('acme');
    client.release();
    client.release();
    const again = await manager.postgres('acme');
    expect(again).toBe(client);
    again.release();
    expect(server.connects).toBe(1);
    await manager.close();
  });

  it('logs in again with the rotated password when the old one is refused', async () => {
    const { manager, server, resolver } = setup();
    server.refusedPasswords.add('acme-v1');
    resolver.afterResolve = (tenantId) => resolver.versions.set(tenantId, 2); // rotated meanwhile
    const client = await manager.postgres('acme');
    expect(resolver.calls).toEqual(['acme', 'acme']);
    expect((await client.query('select')).rows[0].user).toBe('u_acme');
    expect(server.connects).toBe(1);
    client.release();
    await manager.close();
  });

  it('after a rotation, waits for the directory to answer the rotated credentials instead of logging in with the old ones', async () => {
    const { manager, server, resolver } = setup();
    (await manager.postgres('acme')).release();
    server.refusedPasswords.add('acme-v1');
    // The directory hears of the rotation after this process does: two more stale answers.
    resolver.afterResolve = (tenantId) => {
      if (resolver.calls.length === 3) resolver.versions.set(tenantId, 2);
    };
    manager.invalidate('acme', { postgres: 2, rabbitmq: 7 }); // rabbitmq: a store it does not use
    const client = await manager.postgres('acme');
    expect(resolver.calls).toEqual(['acme', 'acme', 'acme', 'acme']);
    expect(server.refusals).toBe(0); // never tried the old password
    client.release();
    // The floor is met and forgotten: a later plain invalidation resolves once.
    manager.invalidate('acme');
    (await manager.postgres('acme')).release();
    expect(resolver.calls).toHaveLength(5);
    await manager.close();
  });

  it('a duplicated or late rotation event never lowers the floor, and a directory stuck on old credentials gives 503', async () => {
    const { manager, server, resolver } = setup({}, { staleResolutionTimeoutMs: 150 });
    manager.invalidate('acme', { postgres: 3 });
    manager.invalidate('acme', { postgres: 2 }); // the earlier rotation's event, delivered late
    resolver.versions.set('acme', 2);
    await expect(manager.postgres('acme')).rejects.toMatchObject({
      status: 503,
      reason: 'directory-stale',
    });
    expect(resolver.calls.length).toBeGreaterThan(1);
    expect(server.connects).toBe(0);
    resolver.versions.set('acme', 3);
    (await manager.postgres('acme')).release();
    expect(server.connects).toBe(1);
    await manager.close();
  });

  it('answers unknown, suspended and not-ready tenants with their typed errors', async () => {
    const { manager, resolver, server } = setup();
    await expect(manager.postgres('unknown-x')).rejects.toBeInstanceOf(UnknownTenantError);
    await expect(manager.postgres('suspended-x')).rejects.toMatchObject({ status: 403 });
    resolver.states.set('slow', 'provisioning');
    await expect(manager.postgres('slow')).rejects.toBeInstanceOf(TenantNotReadyError);
    expect(server.connects).toBe(0);
    expect(manager.stats().postgres).toMatchObject({ reservedEntries: 0, reservedWeight: 0 });
    await manager.close();
  });

  it('single-tenant mode: one pre-configured pool, no resolution', async () => {
    const server = new FakePgServer();
    const manager = new TenantConnectionManager({
      product: 'ledger',
      multiTenant: false,
      singleTenant: { postgres: { user: 'ledger', database: 'ledger', max: 3 } },
      postgres: { Client: server.Client },
    });
    const clients = await Promise.all([manager.postgres('ignored'), manager.postgres('other')]);
    expect((await clients[0].query('select')).rows[0].user).toBe('ledger');
    clients.forEach((c) => c.release());
    await manager.close();
    expect(server.live).toBe(0);
  });
});
