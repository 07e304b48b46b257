import { EventOf, ServiceDeprovisionRequested } from '@enclave/contracts';
import { releaseStage } from '@enclave/lifecycle';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { MongoTenantProvisioner } from '../provisioning/mongo-tenant.provisioner';

/** Offboarding, MongoDB part: the tenant's user (where the server has users) and database go. */
@Controller()
export class ServiceDeprovisionRequestedHandler {
  constructor(private readonly provisioner: MongoTenantProvisioner) {}

  @HandlesEvent(ServiceDeprovisionRequested)
  async handle(
    @Payload() event: EventOf<typeof ServiceDeprovisionRequested>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const { tenantId, product, resources } = event.payload;
    if (!resources.includes('mongodb')) return;
    await releaseStage(ctx, 'mongodb', event.payload, () =>
      this.provisioner.deprovision({ tenantId, product }),
    );
  }
}
