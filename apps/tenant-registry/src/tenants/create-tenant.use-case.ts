import { TenantCreated } from '@enclave/contracts';
import { OutboxWriter } from '@enclave/messaging';
import { ConflictException, Injectable } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import { DataSource } from 'typeorm';
import { CreateTenantDto } from './create-tenant.dto';
import { isOffboarded } from './tenant-record-status';
import { TenantEntity } from './tenant.entity';

export interface CreateTenantResult {
  readonly created: boolean;
  readonly tenant: TenantEntity;
}

/**
 * Creates a tenant identity (no infrastructure yet) and its TenantCreated event in one transaction.
 * Repeating the same request is safe and returns the existing tenant; a different one is a conflict,
 * and so is the id of an offboarded tenant.
 */
@Injectable()
export class CreateTenantUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  execute(input: CreateTenantDto, correlationId?: string): Promise<CreateTenantResult> {
    return this.dataSource.transaction(async (tx) => {
      const inserted = await tx
        .createQueryBuilder()
        .insert()
        .into(TenantEntity)
        .values({ id: input.id, displayName: input.displayName, metadata: input.metadata })
        .orIgnore()
        .returning('*')
        .execute();
      const tenant = await tx.findOneByOrFail(TenantEntity, { id: input.id });
      if (inserted.identifiers.length === 0 || inserted.raw.length === 0) {
        // Never reused: the old tenant's record stays, and late events about its resources (named
        // after the id) must not reach a newcomer's.
        if (isOffboarded(tenant.status)) {
          throw new ConflictException(
            `tenant ${input.id} was offboarded (${tenant.status}); its id cannot be used again`,
          );
        }
        if (
          tenant.displayName !== input.displayName ||
          !isDeepStrictEqual(tenant.metadata, input.metadata)
        ) {
          throw new ConflictException(`tenant ${input.id} already exists with other attributes`);
        }
        return { created: false, tenant };
      }
      await this.outbox.append(
        tx,
        TenantCreated,
        { tenantId: tenant.id, displayName: tenant.displayName, metadata: tenant.metadata },
        { tenantId: tenant.id, correlationId },
      );
      return { created: true, tenant };
    });
  }
}
