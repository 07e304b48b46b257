import {
  ALL_TENANTS,
  RegistrationUpgradeRequested,
  RolloutCounts,
  RolloutStateChanged,
  upgradeStages,
} from '@enclave/contracts';
import { OutboxWriter } from '@enclave/messaging';
import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
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
    const upgrading = await tx.countBy(RolloutTenantEntity, {
      rolloutId: rollout.id,
      state: 'upgrading',
    });
    const slots = rollout.concurrency - upgrading;
    if (slots > 0) {
      for (const next of await this.nextTenants(tx, rollout, slots)) {
        await this.dispatch(tx, rollout, next, correlationId);
      }
    }
    const open = await tx.countBy(RolloutTenantEntity, {
      rolloutId: rollout.id,
      state: In(['pending', 'upgrading']),
    });
    if (open === 0) {
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

  /** Pending canary tenants first; the others once no canary tenant is pending or under way. */
  private async nextTenants(tx: EntityManager, rollout: RolloutEntity, slots: number) {
    const pending = (canary: boolean) =>
      tx.find(RolloutTenantEntity, {
        where: { rolloutId: rollout.id, state: 'pending', canary },
        order: { tenantId: 'ASC' },
        take: slots,
      });
    const canary = await pending(true);
    if (canary.length > 0) return canary;
    const canaryOpen = await tx.countBy(RolloutTenantEntity, {
      rolloutId: rollout.id,
      canary: true,
      state: In(['pending', 'upgrading']),
    });
    return canaryOpen > 0 ? [] : pending(false);
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
    if (skip !== null || stages.length === 0 || !registration!.credentials) {
      tenant.state = 'skipped';
      tenant.reason = skip ?? 'nothing to bring forward';
      await tx.save(tenant);
      return;
    }
    tenant.state = 'upgrading';
    tenant.awaiting = stages;
    tenant.startedAt = new Date();
    tenant.reason = null;
    await tx.save(tenant);
    const reg = registration!;
    reg.upgrade = {
      rolloutId: rollout.id,
      toVersion: rollout.targetVersion,
      state: 'upgrading',
      reason: null,
    };
    await tx.save(reg);
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
