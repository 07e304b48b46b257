import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ServiceRegistrationEntity } from './service-registration.entity';

export type RotationOutcome =
  | { readonly state: 'done'; readonly at: string }
  | { readonly state: 'failed'; readonly at: string; readonly reason: string };

/**
 * Settles the registration's requested rotation when the aggregator reports how it ended. Only the
 * rotation still awaited is settled, once: an outcome for an older rotation (a replay, or one that
 * arrives after a newer request) and repeats change nothing.
 */
@Injectable()
export class RecordRotationOutcomeUseCase {
  async execute(
    tx: EntityManager,
    registrationId: string,
    rotationId: string,
    outcome: RotationOutcome,
  ): Promise<void> {
    const registration = await tx.findOne(ServiceRegistrationEntity, {
      where: { id: registrationId },
      lock: { mode: 'pessimistic_write' },
    });
    const rotation = registration?.rotation;
    if (!rotation || rotation.rotationId !== rotationId || rotation.state !== 'requested') return;
    await tx.update(
      ServiceRegistrationEntity,
      { id: registrationId },
      {
        rotation: {
          ...rotation,
          state: outcome.state,
          completedAt: outcome.at,
          reason: outcome.state === 'failed' ? outcome.reason : null,
        },
      },
    );
  }
}
