import { RegistrationLimits, RegistrationLimitsChanged } from '@enclave/contracts';
import { OutboxWriter } from '@enclave/messaging';
import { ConflictException, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AnnounceChange, LockedRegistrationCommand } from './locked-registration.command';
import { canonicalLimits, sameLimits } from './registration-limits';
import { RegistryOrdersWriter } from './registry-orders.writer';
import { ServiceRegistrationEntity } from './service-registration.entity';

export interface ChangeRegistrationLimitsResult {
  /** false: the registration already had these limits, and nothing was announced. */
  readonly changed: boolean;
  readonly registration: ServiceRegistrationEntity;
}

/**
 * Gives a Ready registration new resource limits: the registration keeps them under the next
 * revision and RegistrationLimitsChanged tells the stages, which apply it unless they applied a newer
 * one. Asking for the limits already in force changes and announces nothing. The change is ordered
 * in the vault first: the provisioners apply no limits change the registry did not order.
 */
@Injectable()
export class ChangeRegistrationLimitsUseCase extends LockedRegistrationCommand<
  ChangeRegistrationLimitsResult,
  RegistrationLimits
> {
  constructor(
    dataSource: DataSource,
    outbox: OutboxWriter,
    private readonly orders: RegistryOrdersWriter,
  ) {
    super(dataSource, outbox);
  }

  protected async change(
    registration: ServiceRegistrationEntity,
    tx: EntityManager,
    announce: AnnounceChange,
    limits: RegistrationLimits,
  ): Promise<ChangeRegistrationLimitsResult> {
    if (registration.state !== 'ready') {
      throw new ConflictException(
        `${registration.product} for ${registration.tenantId} is ${registration.state}; only a ready registration's limits can be changed`,
      );
    }
    if (sameLimits(registration.limits, limits)) return { changed: false, registration };
    registration.limits = canonicalLimits(limits);
    registration.limitsRevision += 1;
    await this.orders.orderLimits(
      registration,
      registration.limitsRevision,
      registration.limits ?? {},
    );
    await tx.update(
      ServiceRegistrationEntity,
      { id: registration.id },
      { limits: registration.limits, limitsRevision: registration.limitsRevision },
    );
    await announce(RegistrationLimitsChanged, {
      revision: registration.limitsRevision,
      limits: registration.limits ?? {},
      productVersion: registration.productVersion,
      resources: registration.resources,
    });
    return { changed: true, registration };
  }
}
