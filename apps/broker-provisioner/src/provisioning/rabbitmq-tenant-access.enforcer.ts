import { TenantStatus } from '@enclave/contracts';
import { TenantAccessEnforcer, TenantLogin } from '@enclave/lifecycle';
import { Injectable, Logger } from '@nestjs/common';
import { RabbitMqTenantProvisioner } from './rabbitmq-tenant.provisioner';

/**
 * Suspension and rotation on RabbitMQ: a suspended tenant's user has no permissions on its vhost
 * and its connections are closed; after a rotation's grace, connections opened before it close.
 */
@Injectable()
export class RabbitMqTenantAccessEnforcer extends TenantAccessEnforcer {
  private readonly logger = new Logger(RabbitMqTenantAccessEnforcer.name);

  constructor(private readonly rabbitmq: RabbitMqTenantProvisioner) {
    super();
  }

  async enforce(login: TenantLogin, status: TenantStatus): Promise<void> {
    await this.rabbitmq.setAccess(login, status);
  }

  async endSessionsOpenedBefore(login: TenantLogin, cutoff: Date): Promise<void> {
    const closed = await this.rabbitmq.endConnectionsOpenedBefore(login, cutoff);
    if (closed > 0) {
      this.logger.log(
        `${login.tenantId}/${login.product}: ${closed} RabbitMQ connection(s) opened before the rotation closed`,
      );
    }
  }
}
