import { ServiceRetryRequested } from '@enclave/contracts';
import { ConflictException, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AnnounceChange, LockedRegistrationCommand } from './locked-registration.command';
import { ServiceRegistrationEntity } from './service-registration.entity';

/**
 * Asks to provision a Failed registration again, once an operator has dealt with the cause. The
 * registration shows `provisioning` at once (its failed stages pending), so a second request is a
 * conflict rather than a second retry; the aggregator reopens it and every stage runs again, keeping
 * what it already made. ServiceReady follows as for a first attempt, or Failed with the new cause.
 */
@Injectable()
export class RetryRegistrationUseCase extends LockedRegistrationCommand<ServiceRegistrationEntity> {
  protected async change(
    registration: ServiceRegistrationEntity,
    tx: EntityManager,
    announce: AnnounceChange,
  ): Promise<ServiceRegistrationEntity> {
    if (registration.state !== 'failed') {
      throw new ConflictException(
        `${registration.product} for ${registration.tenantId} is ${registration.state}; only a failed registration can be retried`,
      );
    }
    registration.retries += 1;
    registration.state = 'provisioning';
    registration.conditions = registration.conditions.map((condition) =>
      condition.status === 'failed'
        ? { ...condition, status: 'pending', reason: null, completedAt: null, durationMs: null }
        : condition,
    );
    await tx.save(registration);
    await announce(ServiceRetryRequested, {
      retry: registration.retries,
      resources: registration.resources,
      productVersion: registration.productVersion,
    });
    return registration;
  }
}
