import {
  ALL_TENANTS,
  RegistrationUpgradeRequested,
  RolloutCounts,
  RolloutStateChanged,
  upgradeStages,
} from '@enclave/contracts';
import { OutboxWriter } from '@enclave/messaging';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ProductEntity } from '../products/product.entity';
import { ServiceRegistrationEntity } from '../registrations/service-registration.entity';
import { RolloutTenantEntity } from './rollout-tenant.entity';
import { RolloutEntity } from './rollout.entity';

/**
 * Moves a rollout forward, in the transaction that holds its row locked: pauses it once failures
 * exceed the budget, asks for the next tenants' upgrades up to the concurrency bound (the canary
 * group first, the others only once it is through), and completes it when none is left, making the
 * target the product's current version. Every step is an event; the loop is the events.
 */
@Injectable()
export class RolloutDriver {
  constructor(private readonly outbox: OutboxWriter) {}

  async advance(tx: EntityManager, rollout: RolloutEntity, correlationId?: string): Promise<void> {
    if (rollout.state !== 'running') return;
    if (rollout.failures > rollout.failureBudget) {
      const failed = await tx.find(RolloutTenantEntity, {
        where: { rolloutId: rollout.id, state: 'failed' },
        order: { tenantId: 'ASC' },
        take: 5,
      });
      const causes = failed.map((t) => `${t.tenantId}: ${t.reason}`).join('; ');
      await this.changeState(
        tx,
        rollout,
        'paused',
        `failure budget spent: ${causes}`,
        correlationId,
      );
      return;
    }
    // Every report passes here, one at a time per rollout (its row is locked): one count, one pick.
    const open = await this.openCounts(tx, rollout.id);
    const slots = rollout.concurrency - open.upgrading;
    let dispatched = 0;
    if (slots > 0 && open.pending > 0) {
      for (const next of await this.nextTenants(tx, rollout, slots, open.canaryOpen > 0)) {
        await this.dispatch(tx, rollout, next, correlationId);
        dispatched++;
      }
    }
    // Dispatching only moves tenants from pending to upgrading or skipped: re-count only then.
    const left = dispatched > 0 ? await this.openCounts(tx, rollout.id) : open;
    if (left.pending + left.upgrading === 0) {
      await tx.update(
        ProductEntity,
        { name: rollout.product },
        {
          currentVersion: rollout.targetVersion,
        },
      );
      rollout.completedAt = new Date();
      await this.changeState(tx, rollout, 'completed', null, correlationId);
    }
  }

  /** Saves the rollout in its new state and says so (RolloutStateChanged). */
  async changeState(
    tx: EntityManager,
    rollout: RolloutEntity,
    state: RolloutEntity['state'],
    reason: string | null,
    correlationId?: string,
  ): Promise<void> {
    rollout.state = state;
    rollout.reason = reason;
    await tx.save(rollout);
    await this.outbox.append(
      tx,
      RolloutStateChanged,
      {
        rolloutId: rollout.id,
        product: rollout.product,
        targetVersion: rollout.targetVersion,
        state,
        reason,
        counts: await this.counts(tx, rollout.id),
      },
      { tenantId: ALL_TENANTS, correlationId },
    );
  }

  async counts(tx: EntityManager, rolloutId: string): Promise<RolloutCounts> {
    const rows: { state: keyof RolloutCounts; n: number }[] = await tx.query(
      `SELECT state, count(*)::int AS n FROM tenant_registry.rollout_tenant
        WHERE rollout_id = $1 GROUP BY state`,
      [rolloutId],
    );
    const counts: RolloutCounts = { pending: 0, upgrading: 0, done: 0, skipped: 0, failed: 0 };
    for (const { state, n } of rows) counts[state] = n;
    return counts;
  }

  /** Tenants pending and under way, and whether the canary group is still open. */
  private async openCounts(tx: EntityManager, rolloutId: string) {
    const [row]: { pending: number; upgrading: number; canary_open: number }[] = await tx.query(
      `SELECT count(*) FILTER (WHERE state = 'pending')::int AS pending,
              count(*) FILTER (WHERE state = 'upgrading')::int AS upgrading,
              count(*) FILTER (WHERE canary)::int AS canary_open
         FROM tenant_registry.rollout_tenant
        WHERE rollout_id = $1 AND state IN ('pending', 'upgrading')`,
      [rolloutId],
    );
    return { pending: row.pending, upgrading: row.upgrading, canaryOpen: row.canary_open };
  }

  /** Pending canary tenants first; the others once no canary tenant is pending or under way. */
  private nextTenants(
    tx: EntityManager,
    rollout: RolloutEntity,
    slots: number,
    canaryOpen: boolean,
  ): Promise<RolloutTenantEntity[]> {
    return tx.find(RolloutTenantEntity, {
      where: { rolloutId: rollout.id, state: 'pending', ...(canaryOpen ? { canary: true } : {}) },
      order: { tenantId: 'ASC' },
      take: slots,
    });
  }

  /** Asks the stages to bring one registration to the target, or skips it when nothing is to do. */
  private async dispatch(
    tx: EntityManager,
    rollout: RolloutEntity,
    tenant: RolloutTenantEntity,
    correlationId?: string,
  ): Promise<void> {
    const registration = await tx.findOne(ServiceRegistrationEntity, {
      where: { id: tenant.registrationId },
      lock: { mode: 'pessimistic_write' },
    });
    const skip = !registration
      ? 'no longer registered'
      : registration.productVersion === rollout.targetVersion
        ? `already at ${rollout.targetVersion}`
        : registration.state !== 'ready'
          ? `not ready (${registration.state})`
          : null;
    const stages = registration ? upgradeStages(registration.resources) : [];
    const key = { rolloutId: rollout.id, registrationId: tenant.registrationId };
    if (skip !== null || stages.length === 0 || !registration!.credentials) {
      await tx.update(RolloutTenantEntity, key, {
        state: 'skipped',
        reason: skip ?? 'nothing to bring forward',
      });
      return;
    }
    await tx.update(RolloutTenantEntity, key, {
      state: 'upgrading',
      awaiting: stages,
      startedAt: new Date(),
      reason: null,
    });
    const reg = registration!;
    await tx.update(
      ServiceRegistrationEntity,
      { id: reg.id },
      {
        upgrade: {
          rolloutId: rollout.id,
          toVersion: rollout.targetVersion,
          state: 'upgrading',
          reason: null,
        },
      },
    );
    await this.outbox.append(
      tx,
      RegistrationUpgradeRequested,
      {
        tenantId: reg.tenantId,
        registrationId: reg.id,
        product: reg.product,
        isolationMode: reg.isolationMode,
        rolloutId: rollout.id,
        fromVersion: reg.productVersion,
        toVersion: rollout.targetVersion,
        resources: reg.resources,
        credentials: reg.credentials!,
      },
      { tenantId: reg.tenantId, correlationId },
    );
  }
}
