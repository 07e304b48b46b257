import { EventOf, ServiceDeprovisioned } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { ServiceRegistrationEntity } from '../registrations/service-registration.entity';
import { TenantEntity } from '../tenants/tenant.entity';
import { TenantOffboardingCompletion } from '../tenants/tenant-offboarding-completion';

/**
 * Every stage released an offboarded registration: it is `deleted`, kept as the record of it. Only
 * a registration being deprovisioned moves, so a replayed event changes nothing. When its tenant is
 * being offboarded as a whole and this was the last registration, the tenant is `deleted` too.
 */
@Controller()
export class ServiceDeprovisionedHandler {
  constructor(private readonly completion: TenantOffboardingCompletion) {}

  @HandlesEvent(ServiceDeprovisioned)
  async handle(@Payload() event: EventOf<typeof ServiceDeprovisioned>, @Ctx() ctx: EventContext) {
    // The tenant's row lock first: two registrations released at once are counted one after the
    // other, so the last one always sees the other deleted.
    const tenant = await ctx.tx.findOne(TenantEntity, {
      where: { id: event.payload.tenantId },
      lock: { mode: 'pessimistic_write' },
    });
    const moved = await ctx.tx
      .getRepository(ServiceRegistrationEntity)
      .update({ id: event.payload.registrationId, state: 'deprovisioning' }, { state: 'deleted' });
    if (tenant && (moved.affected ?? 0) > 0) {
      await this.completion.completeIfReleased(ctx.tx, tenant, {
        correlationId: event.correlationId,
        causationId: event.id,
      });
    }
  }
}
