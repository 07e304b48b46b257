import {
  RegistrationUpgradeRequestedPayload,
  StageUpgradeFailed,
  StageUpgraded,
  UpgradeStage,
} from '@enclave/contracts';
import { EventContext } from '@enclave/messaging';
import { performance } from 'node:perf_hooks';
import { finalFailure } from './final-failure';

/**
 * Runs one stage's part of bringing a registration to a rollout's version, and says how it went:
 * StageUpgraded with what it applied, or StageUpgradeFailed with the cause once the failure is
 * final (finalFailure). The work must leave the tenant whole on failure (a migration is one
 * transaction) and be idempotent (a repeat applies nothing more).
 */
export async function runUpgrade(
  ctx: EventContext,
  stage: UpgradeStage,
  request: RegistrationUpgradeRequestedPayload,
  work: () => Promise<string[]>,
): Promise<void> {
  const { tenantId, registrationId, product, isolationMode, rolloutId, toVersion } = request;
  const about = { tenantId, registrationId, product, isolationMode, rolloutId, toVersion, stage };
  const started = performance.now();
  let applied: string[];
  try {
    applied = await work();
  } catch (error) {
    const reason = finalFailure(ctx, error);
    if (reason === null) throw error;
    await ctx.publish(StageUpgradeFailed, { ...about, reason });
    return;
  }
  const durationMs = Math.round(performance.now() - started);
  await ctx.publish(StageUpgraded, { ...about, applied, durationMs });
}
