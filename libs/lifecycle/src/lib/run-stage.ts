import { ServiceRegisteredPayload, Stage, StageFailed } from '@enclave/contracts';
import { EventContext } from '@enclave/messaging';
import { maskUrlCredentials } from '@enclave/service-kit';

type Registration = Pick<
  ServiceRegisteredPayload,
  'tenantId' | 'registrationId' | 'product' | 'isolationMode'
>;

/**
 * Runs one stage's work for a registration. A failure is retried by the consumer (backoff) until
 * the last attempt, or at once when the error says it is permanent; then the stage publishes
 * StageFailed with the cause (credentials masked) instead of going silent, so the registration ends
 * Failed rather than hanging.
 */
export async function runStage<T>(
  ctx: EventContext,
  stage: Stage,
  registration: Registration,
  work: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    const permanent = (error as { retryable?: unknown }).retryable === false;
    if (!permanent && !ctx.delivery.finalAttempt) throw error;
    const reason = maskUrlCredentials((error as Error).message ?? String(error)).slice(0, 2_000);
    await ctx.publish(StageFailed, {
      tenantId: registration.tenantId,
      registrationId: registration.registrationId,
      product: registration.product,
      isolationMode: registration.isolationMode,
      stage,
      reason,
    });
    return undefined;
  }
}
