import { IsolationMode } from '@enclave/contracts';
import { TenantState } from './tenant-connection-info';

/** What the platform knows about one (tenant, product) registration. */
export interface RegistrationFacts {
  readonly isolationMode: IsolationMode;
  readonly state: TenantState;
}

/**
 * The registration facts VaultTenantResolver needs besides credentials: whether the tenant uses this
 * product, in which isolation mode, and whether it may be served. The platform's status API backs it
 * in production; InMemoryRegistrationDirectory in tests and read models fed by lifecycle events.
 */
export interface RegistrationDirectory {
  find(tenantId: string, product: string): Promise<RegistrationFacts | undefined>;
}
