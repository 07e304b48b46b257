import { TenancyError } from './tenancy.error';

/** No registration of this product exists for the tenant: 404. */
export class UnknownTenantError extends TenancyError {
  readonly status = 404 as const;
  readonly reason = 'unknown-tenant' as const;

  constructor(tenantId: string, product: string) {
    super(`tenant ${tenantId} is not registered for ${product}`, tenantId);
  }
}
