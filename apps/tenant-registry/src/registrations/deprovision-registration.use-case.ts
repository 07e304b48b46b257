import { ServiceDeprovisionRequested, StageCondition } from '@enclave/contracts';
import { ConflictException, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AnnounceChange, LockedRegistrationCommand } from './locked-registration.command';
import { ServiceRegistrationEntity } from './service-registration.entity';

/** The stages that make resources; migrations only fill them, and wait on PostgreSQL. */
const MAKERS = new Set(['credentials', 'postgres', 'mongodb', 'rabbitmq']);

/** The maker stages that may still be at work: pending ones, unless credentials failed before them. */
function stillMaking(conditions: StageCondition[]): string[] {
  // The provisioners start from the vaulted credentials: if that stage failed, none ever runs.
  if (conditions.some((c) => c.stage === 'credentials' && c.status === 'failed')) return [];
  return conditions
    .filter((c) => MAKERS.has(c.stage) && c.status === 'pending')
    .map((c) => c.stage);
}

/**
 * Offboards a product from a tenant: the registration shows `deprovisioning` and
 * ServiceDeprovisionRequested commits with it; every stage removes what it made, and once all have,
 * the aggregator's ServiceDeprovisioned marks it `deleted`. Refused while a stage that makes
 * resources has not reported yet (it could make them after the teardown passed), or while a credential
 * rotation or a rollout's upgrade of it is under way. Repeating it is safe.
 */
@Injectable()
export class DeprovisionRegistrationUseCase extends LockedRegistrationCommand<ServiceRegistrationEntity> {
  /**
   * Why the registration cannot be offboarded now, or null when it can (or already is): a stage
   * that makes resources has not reported yet, a credential rotation is under way (the
   * credential-service could write a new secret version after the teardown destroyed them), or a
   * rollout is upgrading it.
   */
  refusal(registration: ServiceRegistrationEntity): string | null {
    if (registration.state === 'deprovisioning' || registration.state === 'deleted') return null;
    const running = stillMaking(registration.conditions);
    if (registration.state === 'provisioning' || running.length > 0) {
      return (
        `${registration.product} for ${registration.tenantId} is ${registration.state} and ${running.join(', ') || 'a stage'} ` +
        'has not reported yet; offboard it once it is ready or failed'
      );
    }
    if (registration.rotation?.state === 'requested') {
      return (
        `${registration.product} for ${registration.tenantId} has a credential rotation under way ` +
        `(${registration.rotation.rotationId}); offboard it once the rotation is done or failed`
      );
    }
    if (registration.upgrade?.state === 'upgrading') {
      // Its stages could apply the new version's migrations, collections or queues mid-teardown.
      return (
        `${registration.product} for ${registration.tenantId} is being upgraded to ${registration.upgrade.toVersion} ` +
        `by rollout ${registration.upgrade.rolloutId}; offboard it once it is upgraded or failed`
      );
    }
    return null;
  }

  protected async change(
    registration: ServiceRegistrationEntity,
    tx: EntityManager,
    announce: AnnounceChange,
  ): Promise<ServiceRegistrationEntity> {
    if (registration.state === 'deprovisioning' || registration.state === 'deleted') {
      return registration;
    }
    const refusal = this.refusal(registration);
    if (refusal) throw new ConflictException(refusal);
    registration.state = 'deprovisioning';
    await tx.save(registration);
    await announce(ServiceDeprovisionRequested, { resources: registration.resources });
    return registration;
  }
}
