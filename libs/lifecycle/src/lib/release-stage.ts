import { RegistrationRef, Stage, StageReleased } from '@enclave/contracts';
import { EventContext } from '@enclave/messaging';

/**
 * Runs one stage's part of an offboarding, then says the stage released the registration. The work
 * must be idempotent (a repeat finds nothing left and says so again). A failure is not a stage
 * failure, since the registration is going away either way: the consumer retries it, and
 * dead-letters one that can never succeed (a name someone else owns) with its cause, for an
 * operator. The registration then stays `deprovisioning`, with the stage among those awaited.
 */
export async function releaseStage(
  ctx: EventContext,
  stage: Stage,
  registration: RegistrationRef,
  work: () => Promise<void>,
): Promise<void> {
  await work();
  const { tenantId, registrationId, product, isolationMode } = registration;
  await ctx.publish(StageReleased, { tenantId, registrationId, product, isolationMode, stage });
}
