import { TenantStatus } from '@enclave/contracts';
import { TenantAccessEnforcer, TenantLogin } from '@enclave/lifecycle';
import { Injectable } from '@nestjs/common';
import { MongoTenantProvisioner } from './mongo-tenant.provisioner';

/**
 * Suspension on MongoDB: the tenant user's roles are revoked, where the server has users. Sessions
 * are not ended after a rotation here (no rotation grace on this stage).
 */
@Injectable()
export class MongoTenantAccessEnforcer extends TenantAccessEnforcer {
  constructor(private readonly mongodb: MongoTenantProvisioner) {
    super();
  }

  async enforce(login: TenantLogin, status: TenantStatus): Promise<void> {
    await this.mongodb.setAccess(login, status);
  }

  async endSessionsOpenedBefore(): Promise<void> {
    // Not done for MongoDB: the stage schedules no cutoffs (see app.module).
  }
}
