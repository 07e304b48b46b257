import {
  MongoProvisioned,
  MongoProvisionedPayload,
  ProductManifest,
  RegistrationRef,
} from '@enclave/contracts';
import {
  ProductVersionStore,
  ResourceLogin,
  ResourceReport,
  ResourceStage,
  TenantAccessStore,
} from '@enclave/lifecycle';
import { SECRET_STORE, SecretStore } from '@enclave/secret-store';
import { Inject, Injectable } from '@nestjs/common';
import { MongoTenantProvisioner } from './mongo-tenant.provisioner';

type Report = ResourceReport<MongoProvisionedPayload>;

type Declared = NonNullable<ProductManifest['resources']['mongodb']>;

/**
 * The MongoDB stage: the tenant's database with the product's collections and indexes, and its
 * user. At offboarding the user (where the server has users) and the database go.
 */
@Injectable()
export class MongoStageUseCase extends ResourceStage<MongoProvisionedPayload, Declared> {
  constructor(
    @Inject(SECRET_STORE) secrets: SecretStore,
    private readonly mongodb: MongoTenantProvisioner,
    catalog: ProductVersionStore,
    access: TenantAccessStore,
  ) {
    super('mongodb', MongoProvisioned, secrets, catalog, access);
  }

  protected declared(manifest: ProductManifest): Declared | undefined {
    return manifest.resources.mongodb;
  }

  protected async make(login: ResourceLogin, { collections }: Declared): Promise<Report> {
    const made = await this.mongodb.provision({ ...login, collections });
    return {
      database: made.database,
      user: made.user,
      userManagement: made.userManagement,
      collections: made.collections,
    };
  }

  protected remove({ tenantId, product }: RegistrationRef): Promise<void> {
    return this.mongodb.deprovision({ tenantId, product });
  }
}
