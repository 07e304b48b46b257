import { ConflictException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeprovisionRegistrationUseCase } from '../registrations/deprovision-registration.use-case';
import { ServiceRegistrationEntity } from '../registrations/service-registration.entity';
import { TenantOffboardingCompletion } from './tenant-offboarding-completion';
import { TenantEntity } from './tenant.entity';
import { TenantNotFound } from './tenant-not-found';

export interface OffboardTenantResult {
  readonly tenant: TenantEntity;
  readonly services: ServiceRegistrationEntity[];
}

/**
 * Offboards a whole tenant in one request. In one transaction the tenant and its registrations are
 * locked, and either every registration that is not offboarded yet is offboarded exactly as
 * `DELETE …/services/:product` does (the same use-case, one path) and the tenant shows
 * `offboarding`, or nothing changes: while any registration may still be making resources (or is
 * rotating credentials, or being upgraded) the request is refused with every reason. Once the last
 * registration is released the tenant is `deleted` and TenantOffboarded is published (at once when
 * it has none).
 * Repeating the request changes nothing and publishes nothing.
 */
@Injectable()
export class OffboardTenantUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly deprovision: DeprovisionRegistrationUseCase,
    private readonly completion: TenantOffboardingCompletion,
  ) {}

  execute(
    tenantId: string,
    reason: string | null,
    correlationId?: string,
  ): Promise<OffboardTenantResult> {
    return this.dataSource.transaction(async (tx) => {
      // Tenant first, then its registrations: the order every other writer of both takes.
      const tenant = await tx.findOne(TenantEntity, {
        where: { id: tenantId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!tenant) throw new TenantNotFound(tenantId);
      const registrations = await tx.find(ServiceRegistrationEntity, {
        where: { tenantId },
        order: { createdAt: 'ASC' },
        lock: { mode: 'pessimistic_write' },
      });
      const refusals = registrations
        .map((r) => this.deprovision.refusal(r))
        .filter((r): r is string => r !== null);
      if (refusals.length > 0) {
        throw new ConflictException(
          `tenant ${tenantId} cannot be offboarded yet: ${refusals.join('; ')}`,
        );
      }
      if (tenant.status !== 'offboarding' && tenant.status !== 'deleted') {
        tenant.status = 'offboarding';
        tenant.offboardReason = reason;
        tenant.offboardRequestedAt = new Date();
        await tx.save(tenant);
      }
      const services: ServiceRegistrationEntity[] = [];
      for (const registration of registrations) {
        services.push(await this.deprovision.executeIn(tx, registration, correlationId));
      }
      await this.completion.completeIfReleased(tx, tenant, { correlationId });
      return { tenant, services };
    });
  }
}
