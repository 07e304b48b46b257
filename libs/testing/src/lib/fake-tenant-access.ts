import { TenantStatus } from '@enclave/contracts';
import { TenantAccessStore, TenantLogin } from '@enclave/lifecycle';

/**
 * A stage's tenant-access store for unit specs, without a database: every tenant has `status`
 * (active unless given); what the stage asked is kept for assertions.
 */
export function fakeTenantAccess(status: TenantStatus = 'active') {
  const held: TenantLogin[] = [];
  const scheduled: TenantLogin[] = [];
  const store = {
    hold: async (_tx: unknown, login: TenantLogin) => (held.push(login), status),
    scheduleCutoff: async (_tx: unknown, login: TenantLogin) => void scheduled.push(login),
    forget: async () => undefined,
  } as unknown as TenantAccessStore;
  return Object.assign(store, { held, scheduled });
}
