import { EventOf, ServiceDeprovisionRequested } from '@enclave/contracts';
import { releaseStage } from '@enclave/lifecycle';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { TenantSchemaVersionStore } from '../migrations/tenant-schema-version.store';

/**
 * Offboarding, migrations part: the schema itself goes with the PostgreSQL stage; what is left here
 * is this runner's record of its version, which must not outlive it (a fan-out would visit it).
 */
@Controller()
export class ServiceDeprovisionRequestedHandler {
  constructor(private readonly versions: TenantSchemaVersionStore) {}

  @HandlesEvent(ServiceDeprovisionRequested)
  async handle(
    @Payload() event: EventOf<typeof ServiceDeprovisionRequested>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    if (!event.payload.resources.includes('postgres')) return;
    await releaseStage(ctx, 'migrations', event.payload, () =>
      this.versions.forget(ctx.tx, event.payload.registrationId),
    );
  }
}
