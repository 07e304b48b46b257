import { EventOf, ServiceDeprovisionRequested } from '@enclave/contracts';
import { releaseStage } from '@enclave/lifecycle';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { PostgresTenantProvisioner } from '../provisioning/postgres-tenant.provisioner';

/**
 * Offboarding, PostgreSQL part: the tenant's database (DATABASE mode) or schema (SCHEMA mode) and
 * its role go, its sessions first; what someone else owns under those names stays.
 */
@Controller()
export class ServiceDeprovisionRequestedHandler {
  constructor(
    @Inject(PostgresTenantProvisioner) private readonly provisioner: PostgresTenantProvisioner,
  ) {}

  @HandlesEvent(ServiceDeprovisionRequested)
  async handle(
    @Payload() event: EventOf<typeof ServiceDeprovisionRequested>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const { tenantId, product, isolationMode, resources } = event.payload;
    if (!resources.includes('postgres')) return;
    await releaseStage(ctx, 'postgres', event.payload, () =>
      this.provisioner.deprovision({ tenantId, product, mode: isolationMode }),
    );
  }
}
