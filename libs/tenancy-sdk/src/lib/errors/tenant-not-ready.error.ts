import { TenancyError } from './tenancy.error';

/**
 * The tenant is registered but cannot be served yet: still provisioning, failed (an operator must
 * retry it), or its credentials are not in the vault. 503, since waiting (or a retry) fixes it.
 */
export class TenantNotReadyError extends TenancyError {
  readonly status = 503 as const;
  readonly reason = 'tenant-not-ready' as const;

  constructor(
    tenantId: string,
    product: string,
    /** `provisioning`, `failed`, or what is missing, e.g. `postgres credentials missing`. */
    readonly detail: string,
  ) {
    super(`tenant ${tenantId} is not ready for ${product}: ${detail}`, tenantId);
  }
}
