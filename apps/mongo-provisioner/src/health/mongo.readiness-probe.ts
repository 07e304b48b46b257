import { ReadinessProbe } from '@enclave/service-kit';
import { Injectable } from '@nestjs/common';
import { MongoTenantProvisioner } from '../provisioning/mongo-tenant.provisioner';

/** The MongoDB server provisioning drives, asked through the provisioner's own client. */
@Injectable()
export class MongoReadinessProbe implements ReadinessProbe {
  readonly name = 'mongodb';

  constructor(private readonly provisioner: MongoTenantProvisioner) {}

  check() {
    return this.provisioner.ping();
  }
}
