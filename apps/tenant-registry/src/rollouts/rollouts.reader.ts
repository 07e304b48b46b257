import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProductEntity } from '../products/product.entity';
import { RolloutDriver } from './rollout.driver';
import { RolloutTenantEntity } from './rollout-tenant.entity';
import { RolloutEntity } from './rollout.entity';

/** Rollouts as operators watch them: counts per state, and each tenant's result and duration. */
@Injectable()
export class RolloutsReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly driver: RolloutDriver,
  ) {}

  async list(product: string) {
    if (!(await this.dataSource.getRepository(ProductEntity).existsBy({ name: product })))
      throw new NotFoundException(`unknown product '${product}'`);
    const rollouts = await this.dataSource
      .getRepository(RolloutEntity)
      .find({ where: { product }, order: { createdAt: 'DESC' } });
    return Promise.all(rollouts.map((r) => this.summary(r)));
  }

  async get(product: string, rolloutId: string, state?: RolloutTenantEntity['state']) {
    const rollout = await this.dataSource
      .getRepository(RolloutEntity)
      .findOneBy({ id: rolloutId, product });
    if (!rollout) throw new NotFoundException(`${product} has no rollout ${rolloutId}`);
    const tenants = await this.dataSource.getRepository(RolloutTenantEntity).find({
      where: { rolloutId, ...(state ? { state } : {}) },
      order: { tenantId: 'ASC' },
    });
    return {
      ...(await this.summary(rollout)),
      tenants: tenants.map((t) => ({
        tenantId: t.tenantId,
        registrationId: t.registrationId,
        canary: t.canary,
        fromVersion: t.fromVersion,
        state: t.state,
        awaiting: t.awaiting,
        reason: t.reason,
        durationMs: t.durationMs,
      })),
    };
  }

  async summary(rollout: RolloutEntity) {
    const { id, product, targetVersion, state, concurrency, failureBudget, failures, reason } =
      rollout;
    return {
      id,
      product,
      targetVersion,
      state,
      concurrency,
      failureBudget,
      failures,
      reason,
      counts: await this.driver.counts(this.dataSource.manager, id),
      createdAt: rollout.createdAt,
      completedAt: rollout.completedAt,
    };
  }
}
