import type { Registry } from 'prom-client';
import { TenantConnectionManagerOptions } from '../connections/tenant-connection.manager';
import { TenantTokenVerifierOptions } from '../token/tenant-token.verifier';

export interface TenancyModuleOptions extends TenantConnectionManagerOptions {
  /** How request tokens are verified; required in multi-tenant mode. */
  readonly token?: TenantTokenVerifierOptions;
  /** The tenant id TenantContext reports in single-tenant mode. Default `default`. */
  readonly singleTenantId?: string;
  /** The product's Prometheus registry: the SDK's pool and resolution metrics go on it (TenancyMetrics). */
  readonly metrics?: { readonly registry: Registry };
}
