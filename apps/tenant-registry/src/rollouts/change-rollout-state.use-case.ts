import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RolloutDriver } from './rollout.driver';
import { RolloutTenantEntity } from './rollout-tenant.entity';
import { RolloutEntity } from './rollout.entity';

export type RolloutCommand = 'pause' | 'resume' | 'abort';

/**
 * An operator steers a rollout. Pause stops new upgrades (those under way finish and are recorded).
 * Resume takes failed tenants back (their cause dealt with) with a fresh failure budget, then goes
 * on. Abort ends it for good; the target does not become current.
 */
@Injectable()
export class ChangeRolloutStateUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly driver: RolloutDriver,
  ) {}

  execute(
    product: string,
    rolloutId: string,
    command: RolloutCommand,
    correlationId?: string,
  ): Promise<RolloutEntity> {
    return this.dataSource.transaction(async (tx) => {
      const rollout = await tx.findOne(RolloutEntity, {
        where: { id: rolloutId, product },
        lock: { mode: 'pessimistic_write' },
      });
      if (!rollout) throw new NotFoundException(`${product} has no rollout ${rolloutId}`);
      const allowed = { pause: ['running'], resume: ['paused'], abort: ['running', 'paused'] };
      if (!allowed[command].includes(rollout.state)) {
        throw new ConflictException(
          `rollout ${rolloutId} is ${rollout.state}: cannot ${command} it`,
        );
      }
      if (command === 'pause') {
        await this.driver.changeState(
          tx,
          rollout,
          'paused',
          'paused by an operator',
          correlationId,
        );
      } else if (command === 'abort') {
        rollout.completedAt = new Date();
        await this.driver.changeState(
          tx,
          rollout,
          'aborted',
          'aborted by an operator',
          correlationId,
        );
      } else {
        await tx.update(
          RolloutTenantEntity,
          { rolloutId, state: 'failed' },
          { state: 'pending', reason: null, awaiting: [] },
        );
        rollout.failures = 0;
        await this.driver.changeState(tx, rollout, 'running', null, correlationId);
        await this.driver.advance(tx, rollout, correlationId);
      }
      return rollout;
    });
  }
}
