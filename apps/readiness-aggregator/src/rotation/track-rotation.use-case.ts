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
 * Tracks a credential rotation from its CredentialsIssued until every stage that logs in with a
 * credential has applied it, then publishes CredentialsRotated once (or CredentialsRotationFailed
 * once, with the cause, when a stage gives up). Stage reports name their rotation (`rotationId`).
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
    // A first provisioning's or a retry's report: nothing to do with a rotation.
    const rotationId = signal.rotationId;
    if (rotationId === null) return;
    // Kept even while the registration looks provisioning: that is this aggregator catching up
    // out of order, and products still need CredentialsRotated once the stages applied it.
    const status = locked ?? (await lockServiceStatus(ctx.tx, event.payload));
    if (signal.kind === 'issued' && status.state === 'failed') {
      this.logger.warn(
        { rotationId: signal.rotationId, registrationId: status.registrationId },
        'rotation of a failed registration not tracked',
      );
      return;
    }

    const change = this.fold(new RotationProgress(status), event, signal, rotationId);
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
    rotationId: string,
  ): RotationChange {
    if (signal.kind === 'issued') {
      return progress.issued({
        rotationId,
        credentials: signal.credentials,
        occurredAt: event.occurredAt,
      });
    }
    return progress.report({
      rotationId,
      stage: signal.stage,
      status: signal.kind === 'applied' ? 'done' : 'failed',
      at: event.occurredAt,
      reason: signal.kind === 'failed' ? signal.reason : null,
    });
  }
}
