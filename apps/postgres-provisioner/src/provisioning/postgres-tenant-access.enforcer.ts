import { TenantStatus } from '@enclave/contracts';
import { TenantAccessEnforcer, TenantLogin } from '@enclave/lifecycle';
import { Injectable, Logger } from '@nestjs/common';
import { PostgresTenantProvisioner } from './postgres-tenant.provisioner';

/**
 * Suspension and rotation on PostgreSQL: a suspended tenant's role is NOLOGIN with its sessions
 * ended; after a rotation's grace, sessions started before it end.
 */
@Injectable()
export class PostgresTenantAccessEnforcer extends TenantAccessEnforcer {
  private readonly logger = new Logger(PostgresTenantAccessEnforcer.name);

  constructor(private readonly postgres: PostgresTenantProvisioner) {
    super();
  }

  async enforce(login: TenantLogin, status: TenantStatus): Promise<void> {
    await this.postgres.setLogin(login, status);
  }

  async endSessionsOpenedBefore(login: TenantLogin, cutoff: Date): Promise<void> {
    const ended = await this.postgres.endSessionsOpenedBefore(login, cutoff);
    if (ended > 0) {
      this.logger.log(
        `${login.tenantId}/${login.product}: ${ended} PostgreSQL session(s) opened before the rotation ended`,
      );
    }
  }
}
