import {
  ServiceDeprovisionRequestedPayload,
  Stage,
  StageReleased,
  requiredStages,
} from '@enclave/contracts';
import { EventContext } from '@enclave/messaging';
import { SecretStore } from '@enclave/secret-store';
import { checkOffboardingOrdered } from './registry-orders/offboarding-order.check';

/**
 * Runs one stage's part of an offboarding, then says the stage released the registration. A stage
 * the registration never required made nothing and says nothing (the aggregator awaits the required
 * ones only). The work must be idempotent (a repeat finds nothing left and says so again). A failure
 * is not a stage failure: the registration is going away either way, so it is retried by the
 * consumer and, when it can never succeed (a name someone else owns), dead-lettered with its cause
 * for an operator, while the registration stays `deprovisioning` with the stage among those awaited.
 *
 * Before anything is removed, the request must match the tenant-registry's offboarding order in
 * the vault (`secrets`): a request it did not order (forged on the bus) is dead-lettered with that
 * cause and removes nothing.
 */
export async function releaseStage(
  ctx: EventContext,
  stage: Stage,
  request: ServiceDeprovisionRequestedPayload,
  secrets: SecretStore,
  work: () => Promise<void>,
): Promise<void> {
  if (!requiredStages(request.resources).includes(stage)) return;
  await checkOffboardingOrdered(secrets, request);
  await work();
  const { tenantId, registrationId, product, isolationMode } = request;
  await ctx.publish(StageReleased, { tenantId, registrationId, product, isolationMode, stage });
}
