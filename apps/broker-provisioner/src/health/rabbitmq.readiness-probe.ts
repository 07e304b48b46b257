import { ReadinessProbe } from '@enclave/service-kit';
import { Injectable } from '@nestjs/common';
import { RabbitMqTenantProvisioner } from '../provisioning/rabbitmq-tenant.provisioner';

/** The management API is what provisioning drives, so it is what readiness checks. */
@Injectable()
export class RabbitMqReadinessProbe implements ReadinessProbe {
  readonly name = 'rabbitmq';

  constructor(private readonly provisioner: RabbitMqTenantProvisioner) {}

  check() {
    return this.provisioner.ping();
  }
}
