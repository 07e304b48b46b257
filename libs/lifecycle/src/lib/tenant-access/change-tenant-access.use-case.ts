import { TenantStatusChangedPayload } from '@enclave/contracts';
import { EventContext } from '@enclave/messaging';
import { SECRET_STORE, SecretStore } from '@enclave/secret-store';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { checkTenantStatusOrdered } from '../registry-orders/tenant-status-order.check';
import { TenantAccessEnforcer } from './tenant-access.enforcer';
import { TenantAccessStore } from './tenant-access.store';

/**
 * TenantStatusChanged on a stage: keeps the change when it is the newest seen, then enforces it on
 * every login the stage made for the tenant. An older change (late, replayed) changes nothing. A
 * failure rolls the record back with the event, so the consumer's retry enforces it again. Only the
 * change the tenant-registry ordered (its order in the vault) is applied: a forged one is
 * dead-lettered, an overtaken older one skipped.
 */
@Injectable()
export class ChangeTenantAccessUseCase {
  private readonly logger = new Logger(ChangeTenantAccessUseCase.name);

  constructor(
    @Inject(TenantAccessStore) private readonly store: TenantAccessStore,
    @Inject(TenantAccessEnforcer) private readonly enforcer: TenantAccessEnforcer,
    @Inject(SECRET_STORE) private readonly secrets: SecretStore,
  ) {}

  async execute(ctx: EventContext, change: TenantStatusChangedPayload): Promise<void> {
    if ((await checkTenantStatusOrdered(this.secrets, change)) === 'stale') {
      this.logger.log(
        `tenant ${change.tenantId}: status change revision ${change.revision} was overtaken by a newer one; nothing to do`,
      );
      return;
    }
    if (!(await this.store.record(ctx.tx, change))) {
      this.logger.log(
        `tenant ${change.tenantId}: status change revision ${change.revision} is not newer than the one applied; nothing to do`,
      );
      return;
    }
    const logins = await this.store.loginsOf(ctx.tx, change.tenantId);
    for (const login of logins) await this.enforcer.enforce(login, change.status);
    this.logger.log(
      `tenant ${change.tenantId} ${change.status} (revision ${change.revision}): ${logins.length} login(s) enforced`,
    );
  }
}
