import { TenantConnectionInfo } from './tenant-connection-info';

/**
 * Where a product learns how to reach one tenant's resources. Implementations throw
 * UnknownTenantError (404), TenantSuspendedError (403) or TenantNotReadyError (503), so a resolved
 * result is always `state: 'ready'`. Called once per cold tenant, never on the warm path.
 */
export interface TenantResolver {
  resolve(tenantId: string, product: string): Promise<TenantConnectionInfo>;
}
