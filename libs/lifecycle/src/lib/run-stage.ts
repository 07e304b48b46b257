import { RegistrationRef, Stage, StageFailed } from '@enclave/contracts';
import { EventContext, isInfrastructureFailure } from '@enclave/messaging';
import { maskUrlCredentials } from '@enclave/service-kit';

/**
 * Runs one stage's work for a registration. A failure is retried by the consumer (backoff) until
 * the last attempt, or at once when the error says it is permanent; then the stage publishes
 * StageFailed with the cause (credentials masked) instead of going silent, so the registration ends
 * Failed rather than hanging. A server that is away or saturated (connection refused or reset, too
 * many connections) says nothing about the registration: that is never final, and the consumer
 * retries it until the server is back, instead of failing tenants for the weather.
 */
export async function runStage<T>(
  ctx: EventContext,
  stage: Stage,
  registration: RegistrationRef & { readonly rotationId?: string | null },
  work: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    const permanent = (error as { retryable?: unknown }).retryable === false;
    if (!permanent && (!ctx.delivery.finalAttempt || isInfrastructureFailure(error))) throw error;
    const reason = maskUrlCredentials((error as Error).message ?? String(error)).slice(0, 2_000);
    await ctx.publish(StageFailed, {
      tenantId: registration.tenantId,
      registrationId: registration.registrationId,
      product: registration.product,
      isolationMode: registration.isolationMode,
      stage,
      reason,
      rotationId: registration.rotationId ?? null,
    });
    return undefined;
  }
}
