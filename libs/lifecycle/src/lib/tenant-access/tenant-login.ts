import { IsolationMode } from '@enclave/contracts';

/** One registration's login on a stage's server: whose it is, enough to derive its names. */
export interface TenantLogin {
  readonly tenantId: string;
  readonly product: string;
  readonly mode: IsolationMode;
}
