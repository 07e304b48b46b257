import { EventOf, ServiceDeprovisioned } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { ServiceRegistrationEntity } from '../registrations/service-registration.entity';

/**
 * Every stage released an offboarded registration: it is `deleted`, kept as the record of it. Only
 * a registration being deprovisioned moves, so a replayed event changes nothing.
 */
@Controller()
export class ServiceDeprovisionedHandler {
  @HandlesEvent(ServiceDeprovisioned)
  async handle(@Payload() event: EventOf<typeof ServiceDeprovisioned>, @Ctx() ctx: EventContext) {
    await ctx.tx
      .getRepository(ServiceRegistrationEntity)
      .update({ id: event.payload.registrationId, state: 'deprovisioning' }, { state: 'deleted' });
  }
}
