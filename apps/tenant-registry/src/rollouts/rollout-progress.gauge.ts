import { registeredMetric } from '@enclave/service-kit';
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';

let source: DataSource | undefined;

// Registered for its collect function, which reads the rollout tables at scrape time.
registeredMetric(Gauge, {
  name: 'enclave_rollout_tenants',
  help: "Tenants of each product's latest rollout, by state (pending, upgrading, done, skipped, failed).",
  labelNames: ['product', 'target_version', 'rollout_state', 'state'] as const,
  async collect() {
    this.reset();
    if (!source) return;
    const rows: {
      product: string;
      target_version: string;
      rollout_state: string;
      state: string;
      n: number;
    }[] = await source.query(
      `SELECT r.product, r.target_version, r.state AS rollout_state, t.state, count(*)::int AS n
         FROM tenant_registry.rollout r JOIN tenant_registry.rollout_tenant t ON t.rollout_id = r.id
        WHERE r.id IN (SELECT DISTINCT ON (product) id FROM tenant_registry.rollout
                        ORDER BY product, created_at DESC)
        GROUP BY 1, 2, 3, 4`,
    );
    for (const { n, ...labels } of rows) this.set(labels, n);
  },
});

/** Rollout progress for dashboards: counted from the rollout tables when Prometheus scrapes. */
@Injectable()
export class RolloutProgressGauge implements OnModuleInit, OnModuleDestroy {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    source = this.dataSource;
  }

  onModuleDestroy(): void {
    if (source === this.dataSource) source = undefined;
  }
}
