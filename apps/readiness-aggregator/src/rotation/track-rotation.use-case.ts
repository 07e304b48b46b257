import {
  CredentialsRotated,
  CredentialsRotationFailed,
  EventEnvelope,
  RegistrationRef,
} from '@enclave/contracts';
import { EventContext } from '@enclave/messaging';
import { Injectable, Logger } from '@nestjs/common';
import { lockServiceStatus } from '../status/lock-service-status';
import { ServiceStatusEntity } from '../status/service-status.entity';
import { RotationChange, RotationProgress } from './rotation.progress';
import { RotationSignal } from './rotation-signal';

/**
 * Tracks a rotation from its CredentialsIssued until every stage that logs in with a credential has
 * applied it (matched by causation), then publishes CredentialsRotated once. If a stage gives up,
 * it publishes CredentialsRotationFailed with the cause instead, once.
 *
 * Only a failed registration drops the rotation. The registry rotates only ready registrations, so
 * one seen while provisioning means this aggregator is catching up (lag or replay). The
 * provisioners apply the new passwords anyway, so products still need CredentialsRotated.
 */
@Injectable()
export class TrackRotationUseCase {
  private readonly logger = new Logger(TrackRotationUseCase.name);

  async execute(
    ctx: EventContext,
    event: EventEnvelope<RegistrationRef>,
    signal: RotationSignal,
    /** The row, when the caller already holds it locked in this transaction. */
    locked?: ServiceStatusEntity,
  ): Promise<void> {
    // A stage event caused by nothing (an API call, a test) cannot belong to a rotation.
    if (signal.kind !== 'issued' && !event.causationId) return;
    const status = locked ?? (await lockServiceStatus(ctx.tx, event.payload));
    // Rotations are asked for ready registrations only, and only this aggregator makes one ready:
    // before that, a stage report belongs to the original provisioning and is not worth a write.
    if (signal.kind !== 'issued' && status.state !== 'ready' && !status.rotation) return;
    if (signal.kind === 'issued' && status.state === 'failed') {
      this.logger.warn(
        { rotationId: signal.rotationId, registrationId: status.registrationId },
        'rotation of a failed registration not tracked',
      );
      return;
    }

    const change = this.fold(new RotationProgress(status), event, signal);
    if (change === 'none') return;
    await ctx.tx.getRepository(ServiceStatusEntity).save(status);

    const rotation = status.rotation!;
    if (change === 'done') {
      await ctx.publish(CredentialsRotated, {
        tenantId: status.tenantId,
        registrationId: status.registrationId,
        product: status.product,
        isolationMode: status.isolationMode,
        rotationId: rotation.rotationId,
        credentials: rotation.credentials,
      });
    } else if (change === 'failed') {
      this.logger.warn(
        { rotationId: rotation.rotationId, registrationId: status.registrationId },
        `credential rotation failed: ${rotation.reason}`,
      );
      // Said once, like CredentialsRotated: the status view keeps the cause too.
      await ctx.publish(CredentialsRotationFailed, {
        tenantId: status.tenantId,
        registrationId: status.registrationId,
        product: status.product,
        isolationMode: status.isolationMode,
        rotationId: rotation.rotationId,
        reason: rotation.reason ?? 'failed',
      });
    }
  }

  private fold(
    progress: RotationProgress,
    event: EventEnvelope,
    signal: RotationSignal,
  ): RotationChange {
    if (signal.kind === 'issued') {
      return progress.issued({
        rotationId: signal.rotationId,
        eventId: event.id,
        credentials: signal.credentials,
        occurredAt: event.occurredAt,
      });
    }
    return progress.report({
      causationId: event.causationId!,
      stage: signal.stage,
      status: signal.kind === 'applied' ? 'done' : 'failed',
      at: event.occurredAt,
      reason: signal.kind === 'failed' ? signal.reason : null,
    });
  }
}
