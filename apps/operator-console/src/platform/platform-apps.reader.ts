import { Inject, Injectable } from '@nestjs/common';
import { CONSOLE_CONFIG } from '../config/console-config.token';
import type { OperatorConsoleConfig } from '../config/operator-console.config';
import { parsePrometheusText, PrometheusSample, sumOf } from './prometheus-text';
import { RegistryClient } from './registry.client';

interface DeadLetterSummary {
  consumerGroup: string;
}

/**
 * Each platform app as its operators see it: readiness (GET /health/ready), consumer lag and outbox
 * backlog (its GET /metrics) and the open dead letters of its consumer group (the registry's list).
 */
@Injectable()
export class PlatformAppsReader {
  constructor(
    @Inject(CONSOLE_CONFIG) private readonly config: OperatorConsoleConfig,
    private readonly registry: RegistryClient,
  ) {}

  async apps(token: string) {
    const letters = await this.registry.json<{ items: DeadLetterSummary[] }>(
      token,
      '/v1/dead-letters?status=open&limit=500',
    );
    return Promise.all(
      this.config.PLATFORM_APPS.map(async ({ name, url }) => {
        const [health, samples] = await Promise.all([this.health(url), this.metrics(url)]);
        return {
          name,
          url,
          ...health,
          consumerLag: samples && sumOf(samples, 'enclave_consumer_lag'),
          outboxBacklog: samples && sumOf(samples, 'enclave_outbox_backlog'),
          // Consumer groups are `<prefix>enclave.<app>`: the app's own letters.
          openDeadLetters:
            letters?.items.filter((l) => l.consumerGroup.endsWith(`enclave.${name}`)).length ??
            null,
        };
      }),
    );
  }

  /** The aggregator's end-to-end provisioning histogram for one product, as cumulative buckets. */
  async provisioningTimes(product: string) {
    const aggregator = this.config.PLATFORM_APPS.find((a) => a.name === 'readiness-aggregator');
    const samples = aggregator ? await this.metrics(aggregator.url) : null;
    if (!samples) return null;
    const buckets = new Map<string, number>();
    for (const s of samples) {
      if (s.name !== 'enclave_provisioning_duration_seconds_bucket') continue;
      if (s.labels.product !== product) continue;
      buckets.set(s.labels.le, (buckets.get(s.labels.le) ?? 0) + s.value);
    }
    return {
      product,
      count: sumOf(samples, 'enclave_provisioning_duration_seconds_count', { product }),
      sumSeconds: sumOf(samples, 'enclave_provisioning_duration_seconds_sum', { product }),
      buckets: [...buckets].map(([le, count]) => ({ le, count })),
    };
  }

  private async health(url: string) {
    try {
      const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(3_000) });
      const body = (await response.json()) as { details?: Record<string, { status: string }> };
      return {
        ready: response.status === 200,
        dependencies: Object.fromEntries(
          Object.entries(body.details ?? {}).map(([k, v]) => [k, v.status]),
        ),
      };
    } catch (error) {
      return { ready: false, dependencies: {}, error: (error as Error).message };
    }
  }

  private async metrics(url: string): Promise<PrometheusSample[] | null> {
    if (!this.config.METRICS_TOKEN) return null;
    try {
      const response = await fetch(`${url}/metrics`, {
        headers: { authorization: `Bearer ${this.config.METRICS_TOKEN}` },
        signal: AbortSignal.timeout(5_000),
      });
      return response.ok ? parsePrometheusText(await response.text()) : null;
    } catch {
      return null;
    }
  }
}
