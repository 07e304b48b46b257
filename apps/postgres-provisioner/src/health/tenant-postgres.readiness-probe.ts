import { ReadinessProbe } from '@enclave/service-kit';
import { Injectable } from '@nestjs/common';
import { PostgresTenantProvisioner } from '../provisioning/postgres-tenant.provisioner';

/** The tenant PostgreSQL server, which provisioning drives (distinct from the platform database). */
@Injectable()
export class TenantPostgresReadinessProbe implements ReadinessProbe {
  readonly name = 'tenant-postgres';

  constructor(private readonly provisioner: PostgresTenantProvisioner) {}

  check() {
    return this.provisioner.ping();
  }
}
