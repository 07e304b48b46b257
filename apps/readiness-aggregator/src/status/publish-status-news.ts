import {
  RegistrationRef,
  ServiceDeprovisioned,
  ServiceFailed,
  ServiceReady,
  ServiceRetryStarted,
  ServiceStatusChanged,
} from '@enclave/contracts';
import { EventContext } from '@enclave/messaging';
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
