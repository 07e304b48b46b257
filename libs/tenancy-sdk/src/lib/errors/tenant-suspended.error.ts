import { TenancyError } from './tenancy.error';

/** The tenant's registration is suspended: 403 until it is reactivated. */
export class TenantSuspendedError extends TenancyError {
  readonly status = 403 as const;
  readonly reason = 'tenant-suspended' as const;

  constructor(tenantId: string, product: string) {
    super(`tenant ${tenantId} is suspended for ${product}`, tenantId);
  }
}
