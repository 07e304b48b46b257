import { tenantResourceNames } from '@enclave/contracts';
import { TenantSuspendedError, UnknownTenantError } from '@enclave/tenancy-sdk';
import { expectEventually } from '@enclave/testing';
import { Pool } from 'pg';
import { TenancyWorld, WorldTenant } from './tenancy-world';

/**
 * The SDK's PostgreSQL connections on the real server: tenants provisioned as the platform lays them
 * out (two in SCHEMA mode sharing the product database, one in DATABASE mode), credentials in the
 * embedded vault, pools built from what VaultTenantResolver returns.
 */
describe('tenancy SDK: per-tenant PostgreSQL connections', () => {
  const world = new TenancyWorld();
  let a: WorldTenant; // SCHEMA
  let b: WorldTenant; // SCHEMA, same product database as a
  let c: WorldTenant; // DATABASE

  beforeAll(async () => {
    await world.start();
    a = await world.addTenant('ta', 'SCHEMA');
    b = await world.addTenant('tb', 'SCHEMA');
    c = await world.addTenant('tc', 'DATABASE');
    world.directory.set(`td-${world.run}`, world.product, {
      isolationMode: 'SCHEMA',
      state: 'suspended',
    });
  }, 30_000);

  afterAll(() => world.stop(), 30_000);

  it('interleaved A/B/C requests on reused pooled connections each see and write only their own data', async () => {
    const manager = world.manager({ postgres: { poolSize: 2 } });
    const order = [a, b, c];
    const pids = new Map<string, Set<number>>(order.map((t) => [t.tenantId, new Set()]));
    await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const tenant = order[i % 3];
        const client = await manager.postgres(tenant.tenantId);
        try {
          await client.query('INSERT INTO entries (note) VALUES ($1)', [`${tenant.tenantId}#${i}`]);
          const { rows } = await client.query<{
            note: string;
            schema: string;
            who: string;
            pid: number;
          }>(
            'SELECT note, current_schema() AS schema, current_user AS who, pg_backend_pid() AS pid FROM entries',
          );
          for (const row of rows) {
            expect(row.note.startsWith(`${tenant.tenantId}#`)).toBe(true);
            expect(row).toMatchObject({ schema: tenant.schema, who: tenant.role });
          }
          pids.get(tenant.tenantId)?.add(rows[0].pid);
        } finally {
          client.release();
        }
      }),
    );
    for (const tenant of order) {
      // 20 checkouts each over at most 2 connections: connections were reused, never shared.
      expect(pids.get(tenant.tenantId)?.size).toBeLessThanOrEqual(2);
      const count = await world.admin(tenant.database, (admin) =>
        admin.query(`SELECT count(*)::int AS n FROM "${tenant.schema}".entries`),
      );
      expect(count.rows[0].n).toBe(20);
    }
    const seen = [...pids.values()].flatMap((s) => [...s]);
    expect(new Set(seen).size).toBe(seen.length); // no backend served two tenants
    await manager.close();
  });

  it('pins search_path for the session: RESET returns to it, and a checkout that changed it is never reused', async () => {
    // The hazard, shown with a plain pg.Pool: SET survives the release into the next checkout.
    const url = new URL(world.infra.pgAdminUrl);
    url.pathname = `/${a.database}`;
    const plain = new Pool({ connectionString: url.toString(), max: 1 });
    const p1 = await plain.connect();
    await p1.query('SET search_path = pg_catalog');
    p1.release();
    const p2 = await plain.connect();
    expect((await p2.query('SHOW search_path')).rows[0].search_path).toBe('pg_catalog');
    p2.release();
    await plain.end();

    const manager = world.manager({ postgres: { poolSize: 1 } });
    const first = await manager.postgres(a.tenantId);
    const firstPid = (await first.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    // The startup option is the session's default: RESET (and DISCARD ALL) come back to it.
    await first.query('SET search_path = public');
    await first.query('RESET search_path');
    expect((await first.query('SELECT current_schema() AS s')).rows[0].s).toBe(a.schema);
    await first.query(`SET search_path = "${b.schema}", public`);
    first.release();

    const second = await manager.postgres(a.tenantId);
    const row = (await second.query('SELECT current_schema() AS s, pg_backend_pid() AS pid'))
      .rows[0];
    expect(row.s).toBe(a.schema);
    expect(row.pid).not.toBe(firstPid); // the changed connection was closed, not pooled
    await second.query("SELECT set_config('search_path', 'public', false)");
    second.release();

    const third = await manager.postgres(a.tenantId);
    expect((await third.query('SHOW search_path')).rows[0].search_path).toBe(`"${a.schema}"`);
    third.release();
    await manager.close();
  });

  it('keeps the hard cap on real connections: pg_stat_activity never shows more than maxConnections', async () => {
    const applicationName = `enclave-it-cap-${world.run}`;
    const manager = world.manager({
      postgres: { poolSize: 2, maxPools: 2, maxConnections: 4, applicationName },
    });
    const tenants = [a, b, c];
    let running = true;
    let peak = 0;
    let samples = 0;
    const sampler = world.admin('postgres', async (admin) => {
      while (running) {
        const { rows } = await admin.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
          [applicationName],
        );
        peak = Math.max(peak, rows[0].n);
        samples++;
      }
    });
    await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const client = await manager.postgres(tenants[i % 3].tenantId);
        try {
          await client.query('SELECT pg_sleep(0.01)');
        } finally {
          client.release();
        }
      }),
    );
    running = false;
    await sampler;
    expect(samples).toBeGreaterThan(20);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(4);
    expect(manager.stats().postgres).toMatchObject({ leases: 0 });
    await manager.close();
    await expectEventually(async () => expect(await world.sdkBackends(applicationName)).toBe(0));
  });

  it('invalidate drains: the query in flight completes on the old pool, new requests get a new one', async () => {
    const manager = world.manager({ postgres: { poolSize: 1 } });
    const old = await manager.postgres(c.tenantId);
    const oldPid = (await old.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const inFlight = old.query("SELECT pg_sleep(0.3), 'done' AS status");

    // Credentials rotated: a new vault version, then the platform tells the product.
    const path = tenantResourceNames(c.tenantId, world.product, 'DATABASE').secretPath('postgres');
    const current = await world.secrets.get(path);
    await world.secrets.put(path, current.data);
    manager.invalidate(c.tenantId);

    const fresh = await manager.postgres(c.tenantId);
    const freshPid = (await fresh.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    expect(freshPid).not.toBe(oldPid);
    await expect(inFlight).resolves.toMatchObject({ rows: [{ status: 'done' }] });
    old.release();
    await expectEventually(async () => {
      const alive = await world.admin('postgres', (admin) =>
        admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [oldPid]),
      );
      expect(alive.rowCount).toBe(0);
    });
    await expect(fresh.query('SELECT count(*) FROM entries')).resolves.toBeDefined();
    fresh.release();
    await manager.close();
  });

  it('a session the server ends while checked out fails that lease, not the process; the next lease works', async () => {
    const manager = world.manager({ postgres: { poolSize: 1 } });
    const held = await manager.postgres(a.tenantId);
    const pid = (await held.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const errors: unknown[] = [];
    const record = (error: unknown) => errors.push(error);
    process.on('uncaughtException', record);
    try {
      // Ended between queries (nothing in flight), as a suspension ends a tenant's sessions.
      await world.admin('postgres', (admin) =>
        admin.query('SELECT pg_terminate_backend($1)', [pid]),
      );
      await expectEventually(async () => {
        await expect(held.query('SELECT 1')).rejects.toThrow();
      });
      held.release();
      const next = await manager.postgres(a.tenantId);
      const { rows } = await next.query('SELECT pg_backend_pid() AS pid, current_user AS who');
      expect(rows[0]).toMatchObject({ who: a.role });
      expect(rows[0].pid).not.toBe(pid);
      next.release();
    } finally {
      process.off('uncaughtException', record);
    }
    expect(errors).toEqual([]);
    await manager.close();
  });

  it('unknown and suspended tenants get their typed errors, and no connection', async () => {
    const manager = world.manager();
    await expect(manager.postgres(`nobody-${world.run}`)).rejects.toBeInstanceOf(
      UnknownTenantError,
    );
    await expect(manager.postgres(`td-${world.run}`)).rejects.toBeInstanceOf(TenantSuspendedError);
    expect(manager.stats().postgres).toMatchObject({ reservedEntries: 0 });
    await manager.close();
  });
});
