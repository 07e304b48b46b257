import { TenantOffboarded } from '@enclave/contracts';
import { OutboxWriter } from '@enclave/messaging';
import { Injectable } from '@nestjs/common';
import { EntityManager, Not } from 'typeorm';
import { ServiceRegistrationEntity } from '../registrations/service-registration.entity';
import { TenantEntity } from './tenant.entity';

/**
 * Ends a tenant's offboarding once nothing of it is left: when the tenant is `offboarding` and every
 * registration of it is `deleted`, the tenant becomes `deleted` and TenantOffboarded commits with
 * it. The caller holds the tenant's row lock, so of two registrations released at once exactly one
 * sees the other's and announces the end; for any other tenant it changes nothing.
 */
@Injectable()
export class TenantOffboardingCompletion {
  constructor(private readonly outbox: OutboxWriter) {}

  async completeIfReleased(
    tx: EntityManager,
    tenant: TenantEntity,
    cause: { correlationId?: string; causationId?: string } = {},
  ): Promise<boolean> {
    if (tenant.status !== 'offboarding') return false;
    const left = await tx.countBy(ServiceRegistrationEntity, {
      tenantId: tenant.id,
      state: Not('deleted'),
    });
    if (left > 0) return false;
    const products = await tx.find(ServiceRegistrationEntity, {
      select: { product: true },
      where: { tenantId: tenant.id },
      order: { createdAt: 'ASC' },
    });
    tenant.status = 'deleted';
    tenant.deletedAt = new Date();
    await tx.save(tenant);
    await this.outbox.append(
      tx,
      TenantOffboarded,
      {
        tenantId: tenant.id,
        products: products.map((r) => r.product),
        reason: tenant.offboardReason,
        requestedAt: (tenant.offboardRequestedAt ?? tenant.deletedAt).toISOString(),
      },
      { tenantId: tenant.id, ...cause },
    );
    return true;
  }
}
