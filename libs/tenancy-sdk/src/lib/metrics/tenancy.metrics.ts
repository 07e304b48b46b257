import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { TenancyStore } from '../connections/tenancy.observer';
import { TenantConnectionManager } from '../connections/tenant-connection.manager';

const STORES: readonly TenancyStore[] = ['postgres', 'mongodb', 'rabbitmq'];
type CacheStats = NonNullable<ReturnType<TenantConnectionManager['stats']>['postgres']>;

/**
 * The SDK's Prometheus metrics on a product's own registry (the product serves it wherever it
 * serves its metrics): per store, tenants cached, leases in use, connections reserved under the
 * caps and requests waiting for room; resolutions by outcome and their duration; lease wait
 * times. Gauges are read from `stats()` at scrape time, so the request path only pays for the
 * counters and histograms.
 */
export class TenancyMetrics {
  private readonly stopObserving: () => void;

  constructor(manager: TenantConnectionManager, registry: Registry) {
    if (registry.getSingleMetric('enclave_tenancy_resolutions_total')) {
      throw new Error('tenancy metrics are already registered on this registry');
    }
    const registers = [registry];
    const gauge = (name: string, help: string, read: (stats: CacheStats) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['store'] as const,
        registers,
        collect() {
          const stats = manager.stats();
          for (const store of STORES) {
            const cache = stats[store];
            if (cache) this.set({ store }, read(cache));
          }
        },
      });
    gauge(
      'enclave_tenancy_tenants',
      'Tenants with a cached pool or connection, by store.',
      (s) => s.entries,
    );
    gauge(
      'enclave_tenancy_leases',
      'Connections leased to requests right now, by store.',
      (s) => s.leases,
    );
    gauge(
      'enclave_tenancy_reserved_connections',
      'Connections reserved under the hard cap (pool sizes of live and draining pools), by store.',
      (s) => s.reservedWeight,
    );
    gauge(
      'enclave_tenancy_waiting',
      'Requests waiting for room under the caps, by store.',
      (s) => s.waiting,
    );
    const resolutions = new Counter({
      name: 'enclave_tenancy_resolutions_total',
      help: 'Tenant resolutions through the platform, by outcome (ready, suspended, not-ready, unknown, unavailable, error).',
      labelNames: ['outcome'] as const,
      registers,
    });
    const resolutionDuration = new Histogram({
      name: 'enclave_tenancy_resolution_duration_seconds',
      help: 'Duration of one tenant resolution through the platform.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    const acquireDuration = new Histogram({
      name: 'enclave_tenancy_acquire_duration_seconds',
      help: 'Time a request waited for a tenant connection (cold resolution included), by store and outcome.',
      labelNames: ['store', 'outcome'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    });
    this.stopObserving = manager.observe({
      resolved(outcome, seconds) {
        resolutions.inc({ outcome });
        resolutionDuration.observe(seconds);
      },
      acquired(store, outcome, seconds) {
        acquireDuration.observe({ store, outcome }, seconds);
      },
    });
  }

  /** Stops counting (the metrics stay registered with their last values). */
  stop(): void {
    this.stopObserving();
  }
}
