import { StageUpgradeFailedPayload, StageUpgradedPayload } from '@enclave/contracts';
import { EventContext } from '@enclave/messaging';
import { Injectable, Logger } from '@nestjs/common';
import { ServiceRegistrationEntity } from '../registrations/service-registration.entity';
import { RolloutDriver } from './rollout.driver';
import { RolloutTenantEntity } from './rollout-tenant.entity';
import { RolloutEntity } from './rollout.entity';

export type UpgradeOutcome =
  | { readonly kind: 'upgraded'; readonly report: StageUpgradedPayload }
  | { readonly kind: 'failed'; readonly report: StageUpgradeFailedPayload };

/**
 * A stage's report on one tenant's upgrade. The tenant is done when every stage it awaits has
 * upgraded (its registration is then at the target version), failed on the first failure (it stays
 * whole at its version, and shows why it is behind). A report the tenant no longer awaits (a repeat,
 * a late one after a failure) changes nothing. Then the rollout moves on (RolloutDriver).
 */
@Injectable()
export class RecordUpgradeOutcomeUseCase {
  private readonly logger = new Logger(RecordUpgradeOutcomeUseCase.name);

  constructor(private readonly driver: RolloutDriver) {}

  async execute(ctx: EventContext, outcome: UpgradeOutcome): Promise<void> {
    const { rolloutId, registrationId, stage, toVersion } = outcome.report;
    // One rollout's reports arrive from many partitions at once: they queue on its row.
    const rollout = await ctx.tx.findOne(RolloutEntity, {
      where: { id: rolloutId },
      lock: { mode: 'pessimistic_write' },
    });
    const tenant = await ctx.tx.findOneBy(RolloutTenantEntity, { rolloutId, registrationId });
    if (!rollout || !tenant || rollout.targetVersion !== toVersion) {
      this.logger.warn({ rolloutId, registrationId, stage }, 'upgrade report of no known upgrade');
      return;
    }
    if (tenant.state !== 'upgrading' || !tenant.awaiting.includes(stage)) return;
    const now = new Date();
    const finished = {
      finishedAt: now,
      durationMs: now.getTime() - (tenant.startedAt?.getTime() ?? now.getTime()),
    };
    const key = { rolloutId, registrationId };
    if (outcome.kind === 'failed') {
      const reason = `${stage}: ${outcome.report.reason}`;
      await ctx.tx.update(RolloutTenantEntity, key, {
        state: 'failed',
        awaiting: [],
        reason,
        ...finished,
      });
      await ctx.tx.update(
        ServiceRegistrationEntity,
        { id: registrationId },
        {
          upgrade: { rolloutId, toVersion, state: 'failed', reason },
        },
      );
      rollout.failures += 1;
      await ctx.tx.update(RolloutEntity, { id: rolloutId }, { failures: rollout.failures });
    } else {
      const awaiting = tenant.awaiting.filter((s) => s !== stage);
      if (awaiting.length > 0) {
        await ctx.tx.update(RolloutTenantEntity, key, { awaiting });
      } else {
        await ctx.tx.update(RolloutTenantEntity, key, { state: 'done', awaiting, ...finished });
        await ctx.tx.update(
          ServiceRegistrationEntity,
          { id: registrationId },
          {
            productVersion: toVersion,
            upgrade: null,
          },
        );
      }
    }
    await this.driver.advance(ctx.tx, rollout, ctx.envelope.correlationId);
  }
}
