import { EventOf, ServiceStatusChanged } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { ServiceRegistrationEntity } from '../registrations/service-registration.entity';

/**
 * Mirrors the aggregator's status into the registration the API shows. Revisions only move
 * forward, so late or repeated events never roll the status back.
 */
@Controller()
export class ServiceStatusChangedHandler {
  @HandlesEvent(ServiceStatusChanged)
  async handle(@Payload() event: EventOf<typeof ServiceStatusChanged>, @Ctx() ctx: EventContext) {
    const { registrationId, state, conditions, revision } = event.payload;
    await ctx.tx
      .createQueryBuilder()
      .update(ServiceRegistrationEntity)
      .set({ state, conditions, statusRevision: revision })
      // An offboarding outranks any status still in flight: the aggregator publishes none after it.
      .where(
        "id = :registrationId AND status_revision < :revision AND state NOT IN ('deprovisioning', 'deleted')",
        {
          registrationId,
          revision,
        },
      )
      .execute();
  }
}
