import { RegistrationRef, Stage, StageFailed } from '@enclave/contracts';
import { EventContext, isInfrastructureFailure } from '@enclave/messaging';
import { maskUrlCredentials } from '@enclave/service-kit';

/**
 * Runs one stage's work for a registration. When the consumer's retries run out, or at once for a
 * permanent error, it publishes StageFailed with the cause (credentials masked), so the
 * registration ends Failed instead of hanging. A server that is away or saturated (refused, reset,
 * too many connections) is never final: the consumer retries until it is back.
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
