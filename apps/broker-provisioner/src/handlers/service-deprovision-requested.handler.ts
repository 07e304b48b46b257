import { EventOf, ServiceDeprovisionRequested } from '@enclave/contracts';
import { releaseStage } from '@enclave/lifecycle';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RabbitMqTenantProvisioner } from '../provisioning/rabbitmq-tenant.provisioner';

/**
 * Offboarding, RabbitMQ part: the tenant's vhost (with its exchanges, queues, permissions and
 * limits) and its user go; a vhost the platform did not make for this tenant is left alone.
 */
@Controller()
export class ServiceDeprovisionRequestedHandler {
  constructor(
    @Inject(RabbitMqTenantProvisioner) private readonly provisioner: RabbitMqTenantProvisioner,
  ) {}

  @HandlesEvent(ServiceDeprovisionRequested)
  async handle(
    @Payload() event: EventOf<typeof ServiceDeprovisionRequested>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const { tenantId, product, resources } = event.payload;
    if (!resources.includes('rabbitmq')) return;
    await releaseStage(ctx, 'rabbitmq', event.payload, () =>
      this.provisioner.deprovision({ tenantId, product }),
    );
  }
}
