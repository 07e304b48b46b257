import { TenantStatus } from '@enclave/contracts';
import { TenantLogin } from './tenant-login';

/**
 * What a stage does on its own server when a tenant's access changes: the part of suspension and
 * rotation the servers enforce, whatever a product's SDK does.
 */
export abstract class TenantAccessEnforcer {
  /**
   * `suspended`: the login can no longer open sessions and its open ones end. `active`: it can again.
   * A login not made yet is left alone (the stage makes it in the tenant's status). Idempotent.
   */
  abstract enforce(login: TenantLogin, status: TenantStatus): Promise<void>;

  /** Ends the login's sessions opened before `cutoff` (those that may hold a rotated-out password). */
  abstract endSessionsOpenedBefore(login: TenantLogin, cutoff: Date): Promise<void>;
}
