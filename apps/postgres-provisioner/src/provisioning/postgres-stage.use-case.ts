import {
  PostgresProvisioned,
  PostgresProvisionedPayload,
  RegistrationRef,
  SecretRef,
} from '@enclave/contracts';
import { ResourceLogin, ResourceReport, ResourceStage } from '@enclave/lifecycle';
import { ProductManifest, productCatalog } from '@enclave/product-catalog';
import { SECRET_STORE, SecretStore } from '@enclave/secret-store';
import { Inject, Injectable } from '@nestjs/common';
import { PostgresTenantProvisioner } from './postgres-tenant.provisioner';

type Report = ResourceReport<PostgresProvisionedPayload>;

type Declared = NonNullable<ProductManifest['resources']['postgres']>;

/**
 * The PostgreSQL stage: the tenant's role and database (DATABASE mode) or schema (SCHEMA mode);
 * PostgresProvisioned carries the vault reference, for the migration runner to log in with. At
 * offboarding they go, sessions first; what someone else owns under those names stays.
 */
@Injectable()
export class PostgresStageUseCase extends ResourceStage<PostgresProvisionedPayload, Declared> {
  constructor(
    @Inject(SECRET_STORE) secrets: SecretStore,
    private readonly postgres: PostgresTenantProvisioner,
  ) {
    super('postgres', PostgresProvisioned, secrets);
  }

  protected declared(product: string): Declared | undefined {
    return productCatalog.get(product)?.resources.postgres;
  }

  protected async make(
    login: ResourceLogin,
    _declared: Declared,
    credentials: SecretRef,
  ): Promise<Report> {
    const { database, schema, role } = await this.postgres.provision(login);
    return { database, schema, role, credentials };
  }

  protected remove({ tenantId, product, isolationMode }: RegistrationRef): Promise<void> {
    return this.postgres.deprovision({ tenantId, product, mode: isolationMode });
  }
}
