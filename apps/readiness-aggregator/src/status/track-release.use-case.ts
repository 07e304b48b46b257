import { EventEnvelope, RegistrationRef, ResourceKind, Stage } from '@enclave/contracts';
import { EventContext } from '@enclave/messaging';
import { Injectable, Logger } from '@nestjs/common';
import { lockServiceStatus } from './lock-service-status';
import { publishStatusNews } from './publish-status-news';
import { ServiceStatusEntity } from './service-status.entity';
import { ServiceStatusProgress } from './service-status.progress';

/** What one offboarding event says about a registration. */
export type ReleaseSignal =
  | { readonly kind: 'requested'; readonly resources: readonly ResourceKind[] }
  | { readonly kind: 'released'; readonly stage: Stage };

/**
 * Follows an offboarding. The operator's request puts the registration in `deprovisioning`, and
 * each stage's StageReleased ticks it off, in any order (even before the request is seen here:
 * topics are consumed independently). Once every stage it needed has released it, the registration
 * is `deleted` and ServiceDeprovisioned is published, once. Provisioning reports are ignored from
 * the request on (ServiceStatusProgress decides), so no late one can bring it back.
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
    const progress = new ServiceStatusProgress(status);
    const change =
      signal.kind === 'requested'
        ? progress.deprovisionRequested(signal.resources, event.occurredAt)
        : progress.released(signal.stage, event.occurredAt);
    if (!change.changed) return;

    if (change.news.length === 0) {
      this.logger.log(
        { registrationId: status.registrationId, awaiting: progress.awaitingRelease() },
        'offboarding under way',
      );
    }
    await ctx.tx.getRepository(ServiceStatusEntity).save(status);
    await publishStatusNews(ctx, status, change.news);
  }
}
