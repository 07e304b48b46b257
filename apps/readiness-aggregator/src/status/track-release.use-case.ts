import {
  EventEnvelope,
  RegistrationRef,
  ResourceKind,
  ServiceDeprovisioned,
  Stage,
  requiredStages,
} from '@enclave/contracts';
import { EventContext } from '@enclave/messaging';
import { Injectable, Logger } from '@nestjs/common';
import { lockServiceStatus } from './lock-service-status';
import { ServiceStatusEntity } from './service-status.entity';

/** What one offboarding event says about a registration. */
export type ReleaseSignal =
  | { readonly kind: 'requested'; readonly resources: readonly ResourceKind[] }
  | { readonly kind: 'released'; readonly stage: Stage };

/**
 * Follows an offboarding. The operator's request puts the registration in `deprovisioning`, and
 * each stage's StageReleased ticks it off, in any order (even before the request is seen here:
 * topics are consumed independently). Once every stage it needed has released it, the registration
 * is `deleted` and ServiceDeprovisioned is published, once. Provisioning reports are ignored from
 * the request on (RecordStageOutcomeUseCase), so no late one can bring it back.
 */
@Injectable()
export class TrackReleaseUseCase {
  private readonly logger = new Logger(TrackReleaseUseCase.name);

  async execute(
    ctx: EventContext,
    event: EventEnvelope<RegistrationRef>,
    signal: ReleaseSignal,
  ): Promise<void> {
    const status = await lockServiceStatus(ctx.tx, event.payload);
    if (status.state === 'deleted' || !this.apply(status, event, signal)) return;

    const awaiting = this.awaiting(status);
    if (status.state === 'deprovisioning' && awaiting.length === 0) {
      status.state = 'deleted';
      const { tenantId, registrationId, product, isolationMode } = status;
      await ctx.publish(ServiceDeprovisioned, { tenantId, registrationId, product, isolationMode });
    } else {
      this.logger.log({ registrationId: status.registrationId, awaiting }, 'offboarding under way');
    }
    await ctx.tx.getRepository(ServiceStatusEntity).save(status);
  }

  /** The stages still to release it, once the request is in. */
  private awaiting(status: ServiceStatusEntity): Stage[] {
    return (status.required ?? []).filter((stage) => !status.released[stage]);
  }

  /** Returns false when the event changes nothing (a repeat). */
  private apply(
    status: ServiceStatusEntity,
    event: EventEnvelope<RegistrationRef>,
    signal: ReleaseSignal,
  ): boolean {
    if (signal.kind === 'released') {
      if (status.released[signal.stage]) return false;
      status.released = { ...status.released, [signal.stage]: event.occurredAt };
      return true;
    }
    if (status.state === 'deprovisioning') return false;
    status.state = 'deprovisioning';
    status.deprovisionRequestedAt = new Date(event.occurredAt);
    // What the stages release is what the registration needed, known here even if its
    // ServiceRegistered never was (a registration that failed before it arrived).
    status.required ??= requiredStages(signal.resources);
    return true;
  }
}
