import {
  ProductManifests,
  ServiceRegistered,
  StageCondition,
  requiredStages,
} from '@enclave/contracts';
import { OutboxWriter } from '@enclave/messaging';
import { ConflictException, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import { ProductVersionEntity } from '../products/product-version.entity';
import { RolloutEntity } from '../rollouts/rollout.entity';
import { ProductCatalogReader } from '../products/product-catalog.reader';
import { TenantEntity } from '../tenants/tenant.entity';
import { TenantNotFound } from '../tenants/tenant-not-found';
import { isOffboarded } from '../tenants/tenant-record-status';
import { RegisterServiceDto } from './register-service.dto';
import { canonicalLimits } from './registration-limits';
import { ServiceRegistrationEntity } from './service-registration.entity';

export interface RegisterServiceResult {
  readonly created: boolean;
  readonly registration: ServiceRegistrationEntity;
}

/**
 * Registers a product for a tenant: the registration and its ServiceRegistered event commit
 * together, and every provisioning stage starts from that event. One registration per (tenant,
 * product); repeating it is safe, changing its isolation mode is a conflict. Nothing is provisioned
 * for a request that fails validation.
 */
@Injectable()
export class RegisterServiceUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly catalog: ProductCatalogReader,
  ) {}

  execute(
    tenantId: string,
    input: RegisterServiceDto,
    correlationId?: string,
  ): Promise<RegisterServiceResult> {
    return this.dataSource.transaction(async (tx) => {
      // The product's current version, read in the registration's transaction.
      const product = await this.catalog.current(input.product, tx);
      if (!product) {
        const names = await this.catalog.names(tx);
        throw new UnprocessableEntityException(
          `unknown product '${input.product}'; the catalog has: ${names.join(', ') || 'no product yet'}`,
        );
      }
      // While a rollout of the product is under way, a new tenant starts at its target.
      const rollout = await tx.findOneBy(RolloutEntity, {
        product: input.product,
        state: In(['running', 'paused']),
      });
      const version = rollout
        ? await tx.findOneByOrFail(ProductVersionEntity, {
            product: input.product,
            version: rollout.targetVersion,
          })
        : product.current;
      const manifest = version.manifest;
      const isolationMode = input.isolationMode ?? manifest.defaultIsolationMode;
      const resources = ProductManifests.resourcesOf(manifest);
      // Locks the tenant row: concurrent registrations for one tenant queue here.
      const tenant = await tx.findOne(TenantEntity, {
        where: { id: tenantId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!tenant) throw new TenantNotFound(tenantId);
      if (isOffboarded(tenant.status)) {
        throw new ConflictException(
          `tenant ${tenantId} is ${tenant.status}; no product can be registered for it`,
        );
      }
      const existing = await tx.findOneBy(ServiceRegistrationEntity, {
        tenantId,
        product: input.product,
      });
      if (existing) {
        if (existing.state === 'deprovisioning' || existing.state === 'deleted') {
          // Its resource names would be reused, and a late or replayed offboarding of the old
          // registration names the same resources: it could remove the new one's.
          throw new ConflictException(
            `${input.product} was offboarded from ${tenantId} (${existing.state}); it cannot be registered again for this tenant`,
          );
        }
        if (existing.isolationMode !== isolationMode) {
          throw new ConflictException(
            `${input.product} is already registered for ${tenantId} in ${existing.isolationMode} mode`,
          );
        }
        return { created: false, registration: existing };
      }
      const conditions: StageCondition[] = requiredStages(resources).map((stage) => ({
        stage,
        status: 'pending',
        reason: null,
        completedAt: null,
        durationMs: null,
      }));
      const registration = tx.create(ServiceRegistrationEntity, {
        id: randomUUID(),
        tenantId,
        product: manifest.name,
        productVersion: manifest.version,
        isolationMode,
        resources,
        state: 'provisioning',
        conditions,
        statusRevision: 0,
        limits: canonicalLimits(input.limits),
        limitsRevision: 0,
      });
      await tx.save(registration);
      await this.outbox.append(
        tx,
        ServiceRegistered,
        {
          tenantId,
          registrationId: registration.id,
          product: manifest.name,
          productVersion: manifest.version,
          isolationMode,
          resources,
          ...(registration.limits ? { limits: registration.limits } : {}),
        },
        { tenantId, correlationId },
      );
      return { created: true, registration };
    });
  }
}
