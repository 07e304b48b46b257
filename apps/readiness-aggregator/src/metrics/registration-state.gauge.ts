import { registeredMetric } from '@enclave/service-kit';
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';

let source: DataSource | undefined;

// Registered for its collect function, which reads the status table at scrape time.
registeredMetric(Gauge, {
  name: 'enclave_registrations',
  help: 'Registrations by product and state (provisioning, ready, failed, deprovisioning, deleted).',
  labelNames: ['product', 'state'] as const,
  async collect() {
    this.reset();
    if (!source) return;
    const rows: { product: string; state: string; n: number }[] = await source.query(
      'SELECT product, state, count(*)::int AS n FROM readiness_aggregator.service_status GROUP BY product, state',
    );
    for (const { product, state, n } of rows) this.set({ product, state }, n);
  },
});

/** Counts registrations per state from the status table when Prometheus scrapes. */
@Injectable()
export class RegistrationStateGauge implements OnModuleInit, OnModuleDestroy {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    source = this.dataSource;
  }

  onModuleDestroy(): void {
    if (source === this.dataSource) source = undefined;
  }
}
