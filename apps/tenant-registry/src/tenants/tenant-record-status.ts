import type { TenantStatus } from '@enclave/contracts';

/**
 * A tenant's status as the registry keeps it: active or suspended (what products and stages are
 * told, TenantStatusChanged) until an operator offboards the whole tenant. Then `offboarding`, until
 * every registration is deleted, and `deleted`, which is kept with its data: it is the record of the
 * tenant, and the reason its id is never given out again.
 */
export type TenantRecordStatus = TenantStatus | 'offboarding' | 'deleted';

/** Statuses after which the tenant takes no new work: no registration, suspension or resumption. */
export const isOffboarded = (status: TenantRecordStatus): status is 'offboarding' | 'deleted' =>
  status === 'offboarding' || status === 'deleted';
