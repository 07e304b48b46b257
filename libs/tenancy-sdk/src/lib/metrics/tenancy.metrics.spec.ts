import { Registry } from 'prom-client';
import { FakePgServer } from '../../testing/fake-pg.server';
import { TenantConnectionManager } from '../connections/tenant-connection.manager';
import { TenantSuspendedError } from '../errors/tenant-suspended.error';
import { UnknownTenantError } from '../errors/unknown-tenant.error';
import { TenantConnectionInfo } from '../resolution/tenant-connection-info';
import { TenancyMetrics } from './tenancy.metrics';

function setup() {
  const server = new FakePgServer();
  const manager = new TenantConnectionManager({
    product: 'ledger',
    multiTenant: true,
    resolver: {
      async resolve(tenantId: string, product: string): Promise<TenantConnectionInfo> {
        if (tenantId === 'gone') throw new UnknownTenantError(tenantId, product);
        if (tenantId === 'paused') throw new TenantSuspendedError(tenantId, product);
        return {
          tenantId,
          product,
          isolationMode: 'SCHEMA',
          state: 'ready',
          postgres: {
            host: '127.0.0.1',
            port: 5432,
            database: 'p_ledger',
            schema: `t_${tenantId}`,
            username: `u_${tenantId}`,
            password: 'x',
            secretVersion: 1,
          },
        };
      },
    },
    postgres: { poolSize: 2, maxPools: 4, idleTimeoutMs: 0, Client: server.Client },
  });
  const registry = new Registry();
  const metrics = new TenancyMetrics(manager, registry);
  const value = async (name: string, labels: Record<string, string> = {}) => {
    // A histogram's series (`…_count`) are values of the histogram itself.
    const base = name.replace(/_count$/, '');
    const metric = await registry.getSingleMetric(base)!.get();
    const found = metric.values.find(
      (v) =>
        ((v as { metricName?: string }).metricName ?? base) === name &&
        Object.entries(labels).every(([k, l]) => v.labels[k] === l),
    );
    return found?.value;
  };
  return { manager, registry, metrics, value };
}

describe('TenancyMetrics', () => {
  it('counts resolutions by outcome once per cold tenant, and lease waits by store and outcome', async () => {
    const { manager, value } = setup();
    const leases = await Promise.all([manager.postgres('acme'), manager.postgres('acme')]);
    await expect(manager.postgres('gone')).rejects.toBeInstanceOf(UnknownTenantError);
    await expect(manager.postgres('paused')).rejects.toBeInstanceOf(TenantSuspendedError);

    // Two concurrent first requests share one resolution.
    expect(await value('enclave_tenancy_resolutions_total', { outcome: 'ready' })).toBe(1);
    expect(await value('enclave_tenancy_resolutions_total', { outcome: 'unknown' })).toBe(1);
    expect(await value('enclave_tenancy_resolutions_total', { outcome: 'suspended' })).toBe(1);
    expect(
      await value('enclave_tenancy_acquire_duration_seconds_count', {
        store: 'postgres',
        outcome: 'ok',
      }),
    ).toBe(2);
    expect(
      await value('enclave_tenancy_acquire_duration_seconds_count', {
        store: 'postgres',
        outcome: 'error',
      }),
    ).toBe(2);

    // Gauges are read at scrape time.
    expect(await value('enclave_tenancy_leases', { store: 'postgres' })).toBe(2);
    expect(await value('enclave_tenancy_tenants', { store: 'postgres' })).toBe(1);
    expect(await value('enclave_tenancy_reserved_connections', { store: 'postgres' })).toBe(2);
    for (const lease of leases) lease.release();
    expect(await value('enclave_tenancy_leases', { store: 'postgres' })).toBe(0);
    await manager.close();
  });

  it('renders in the text format and refuses to register twice on one registry', async () => {
    const { manager, registry } = setup();
    (await manager.postgres('acme')).release();
    expect(await registry.metrics()).toMatch(
      /enclave_tenancy_resolution_duration_seconds_count 1\n/,
    );
    expect(() => new TenancyMetrics(manager, registry)).toThrow(/already registered/);
    await manager.close();
  });

  it('stop() stops counting', async () => {
    const { manager, metrics, value } = setup();
    metrics.stop();
    (await manager.postgres('acme')).release();
    expect(await value('enclave_tenancy_resolutions_total', { outcome: 'ready' })).toBeUndefined();
    await manager.close();
  });
});
