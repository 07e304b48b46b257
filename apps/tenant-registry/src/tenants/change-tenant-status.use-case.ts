import { TenantStatus, TenantStatusChanged } from '@enclave/contracts';
import { OutboxWriter } from '@enclave/messaging';
import { ConflictException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TenantEntity } from './tenant.entity';
import { isOffboarded } from './tenant-record-status';
import { TenantNotFound } from './tenant-not-found';

export interface ChangeTenantStatusResult {
  readonly changed: boolean;
  readonly tenant: TenantEntity;
}

/**
 * Suspends or resumes a tenant: the status and its TenantStatusChanged event commit together, so a
 * product that sees the event and asks again already gets the new answer. Asking for the status the
 * tenant already has changes nothing and publishes nothing. An offboarded tenant is refused.
 */
@Injectable()
export class ChangeTenantStatusUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  execute(
    tenantId: string,
    status: TenantStatus,
    reason: string | null,
    correlationId?: string,
  ): Promise<ChangeTenantStatusResult> {
    return this.dataSource.transaction(async (tx) => {
      const tenant = await tx.findOne(TenantEntity, {
        where: { id: tenantId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!tenant) throw new TenantNotFound(tenantId);
      if (isOffboarded(tenant.status)) {
        throw new ConflictException(
          `tenant ${tenantId} is ${tenant.status}; it can be neither suspended nor resumed`,
        );
      }
      if (tenant.status === status) return { changed: false, tenant };
      tenant.status = status;
      tenant.statusReason = status === 'suspended' ? reason : null;
      tenant.statusRevision += 1;
      await tx.save(tenant);
      await this.outbox.append(
        tx,
        TenantStatusChanged,
        { tenantId, status, reason: tenant.statusReason, revision: tenant.statusRevision },
        { tenantId, correlationId },
      );
      return { changed: true, tenant };
    });
  }
}
