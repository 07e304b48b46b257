import { RegistrationRef, Stage, StageFailed } from '@enclave/contracts';
import { EventContext } from '@enclave/messaging';
import { finalFailure } from './final-failure';

/**
 * Runs one stage's work for a registration. Once a failure is final (finalFailure), it publishes
 * StageFailed with the cause, so the registration ends Failed instead of hanging.
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
    const reason = finalFailure(ctx, error);
    if (reason === null) throw error;
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
