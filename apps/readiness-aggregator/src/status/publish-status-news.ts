import {
  RegistrationRef,
  ServiceDeprovisioned,
  ServiceFailed,
  ServiceReady,
  ServiceRetryStarted,
  ServiceStatusChanged,
} from '@enclave/contracts';
import { EventContext } from '@enclave/messaging';
import { ProvisioningMetrics } from '../metrics/provisioning.metrics';
import type { StatusNews } from './service-status.progress';

/** Publishes what ServiceStatusProgress decided to tell, in order, about one registration. */
export async function publishStatusNews(
  ctx: EventContext,
  { tenantId, registrationId, product, isolationMode }: RegistrationRef,
  news: readonly StatusNews[],
): Promise<void> {
  const registration = { tenantId, registrationId, product, isolationMode };
  for (const item of news) {
    switch (item.type) {
      case 'ServiceReady':
        await ctx.publish(ServiceReady, {
          ...registration,
          schemaVersion: item.schemaVersion,
          stageTimings: item.stageTimings,
        });
        observeReady(product, isolationMode, item.stageTimings);
        break;
      case 'ServiceFailed':
        await ctx.publish(ServiceFailed, {
          ...registration,
          stage: item.stage,
          reason: item.reason,
        });
        break;
      case 'ServiceRetryStarted':
        await ctx.publish(ServiceRetryStarted, {
          ...registration,
          retry: item.retry,
          resources: item.resources,
          productVersion: item.productVersion,
        });
        break;
      case 'ServiceStatusChanged':
        await ctx.publish(ServiceStatusChanged, {
          ...registration,
          state: item.state,
          conditions: item.conditions,
          revision: item.revision,
        });
        break;
      case 'ServiceDeprovisioned':
        await ctx.publish(ServiceDeprovisioned, registration);
        break;
    }
  }
}

function observeReady(
  product: string,
  isolationMode: string,
  stageTimings: Readonly<Record<string, number>>,
): void {
  const timings = Object.entries(stageTimings);
  for (const [stage, ms] of timings)
    ProvisioningMetrics.stage.observe({ product, stage }, ms / 1000);
  const last = Math.max(0, ...timings.map(([, ms]) => ms));
  ProvisioningMetrics.endToEnd.observe({ product, isolation_mode: isolationMode }, last / 1000);
}
