import { compareProductVersions } from '@enclave/contracts';
import {
  ConflictException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import { ProductVersionEntity } from '../products/product-version.entity';
import { ProductEntity } from '../products/product.entity';
import { ServiceRegistrationEntity } from '../registrations/service-registration.entity';
import { RolloutDriver } from './rollout.driver';
import { RolloutTenantEntity } from './rollout-tenant.entity';
import { RolloutEntity } from './rollout.entity';
import { StartRolloutDto } from './start-rollout.dto';

/**
 * Starts bringing every Ready registration of a product to a published version. Registrations
 * already there are skipped at once, without touching their servers (the registry knows each one's
 * version). One rollout of a product at a time; never to an older version than the current one.
 */
@Injectable()
export class StartRolloutUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly driver: RolloutDriver,
  ) {}

  execute(product: string, input: StartRolloutDto, correlationId?: string): Promise<RolloutEntity> {
    return this.dataSource.transaction(async (tx) => {
      const known = await tx.findOne(ProductEntity, {
        where: { name: product },
        lock: { mode: 'pessimistic_write' },
      });
      if (!known) throw new NotFoundException(`unknown product '${product}'`);
      const target = await tx.findOneBy(ProductVersionEntity, {
        product,
        version: input.targetVersion,
      });
      if (!target) {
        throw new UnprocessableEntityException(
          `${product} has no published version ${input.targetVersion}`,
        );
      }
      if (compareProductVersions(input.targetVersion, known.currentVersion) < 0) {
        throw new ConflictException(
          `${product} is at ${known.currentVersion}; a rollout never goes back to ${input.targetVersion}`,
        );
      }
      const open = await tx.findOneBy(RolloutEntity, { product, state: In(['running', 'paused']) });
      if (open) {
        throw new ConflictException(
          `rollout ${open.id} of ${product} to ${open.targetVersion} is ${open.state}; finish or abort it first`,
        );
      }
      const registrations = await tx.find(ServiceRegistrationEntity, {
        where: { product, state: 'ready' },
        order: { tenantId: 'ASC' },
      });
      const canary = this.canaryOf(input, registrations, product);

      const rollout = tx.create(RolloutEntity, {
        id: randomUUID(),
        product,
        targetVersion: input.targetVersion,
        state: 'running',
        concurrency: input.concurrency,
        failureBudget: input.failureBudget,
        failures: 0,
        reason: null,
        completedAt: null,
      });
      await tx.save(rollout);
      const atTarget = (r: ServiceRegistrationEntity) => r.productVersion === input.targetVersion;
      const rows = registrations.map((r) => ({
        rolloutId: rollout.id,
        registrationId: r.id,
        tenantId: r.tenantId,
        canary: canary.has(r.tenantId) && !atTarget(r),
        fromVersion: r.productVersion,
        state: atTarget(r) ? ('skipped' as const) : ('pending' as const),
        reason: atTarget(r) ? `already at ${input.targetVersion}` : null,
        awaiting: [],
      }));
      // In slices: one INSERT carries at most 65,535 parameters, about 7,000 of these rows.
      for (let i = 0; i < rows.length; i += 1_000) {
        await tx.insert(RolloutTenantEntity, rows.slice(i, i + 1_000));
      }
      await this.driver.changeState(tx, rollout, 'running', null, correlationId);
      await this.driver.advance(tx, rollout, correlationId);
      return rollout;
    });
  }

  private canaryOf(
    input: StartRolloutDto,
    registrations: ServiceRegistrationEntity[],
    product: string,
  ): Set<string> {
    if (!input.canary) return new Set();
    if ('count' in input.canary) {
      // The first tenants (by id) that have something to do: one at the target is no canary.
      const behind = registrations.filter((r) => r.productVersion !== input.targetVersion);
      return new Set(behind.slice(0, input.canary.count).map((r) => r.tenantId));
    }
    const ready = new Set(registrations.map((r) => r.tenantId));
    const unknown = input.canary.tenants.filter((t) => !ready.has(t));
    if (unknown.length > 0) {
      throw new UnprocessableEntityException(
        `canary tenants without a ready ${product} registration: ${unknown.join(', ')}`,
      );
    }
    return new Set(input.canary.tenants);
  }
}
