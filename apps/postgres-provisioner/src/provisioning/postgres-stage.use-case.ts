import {
  PostgresProvisioned,
  PostgresProvisionedPayload,
  ProductManifest,
  RegistrationLimits,
  RegistrationRef,
  SecretRef,
} from '@enclave/contracts';
import {
  ProductVersionStore,
  RegistrationLimitsStore,
  ResourceLogin,
  ResourceReport,
  ResourceStage,
  TenantAccessStore,
} from '@enclave/lifecycle';
import { SECRET_STORE, SecretStore } from '@enclave/secret-store';
import { Inject, Injectable } from '@nestjs/common';
import { PostgresTenantProvisioner } from './postgres-tenant.provisioner';

type Report = ResourceReport<PostgresProvisionedPayload>;

type Declared = NonNullable<ProductManifest['resources']['postgres']>;

/**
 * The PostgreSQL stage: the tenant's role and database (DATABASE mode) or schema (SCHEMA mode);
 * PostgresProvisioned carries the vault reference and the product version, for the migration runner. At
 * offboarding they go, sessions first; what someone else owns under those names stays.
 */
@Injectable()
export class PostgresStageUseCase extends ResourceStage<PostgresProvisionedPayload, Declared> {
  constructor(
    @Inject(SECRET_STORE) secrets: SecretStore,
    private readonly postgres: PostgresTenantProvisioner,
    catalog: ProductVersionStore,
    access: TenantAccessStore,
    limits?: RegistrationLimitsStore,
  ) {
    super('postgres', PostgresProvisioned, secrets, catalog, access, limits);
  }

  protected declared(manifest: ProductManifest): Declared | undefined {
    return manifest.resources.postgres;
  }

  protected async make(
    login: ResourceLogin,
    declared: Declared,
    credentials: SecretRef,
    productVersion: string,
    limits: RegistrationLimits | null,
  ): Promise<Report> {
    const { database, schema, role } = await this.postgres.provision({
      ...login,
      limits: limits?.postgres,
      // DATABASE mode: the new database may be copied from this version's template.
      ...(login.mode === 'DATABASE'
        ? { template: { productVersion, migrations: declared.migrations } }
        : {}),
    });
    // The migration-runner applies this version's migrations.
    return { database, schema, role, credentials, productVersion };
  }

  protected override async restrict(
    { tenantId, product, isolationMode }: RegistrationRef,
    _declared: Declared,
    limits: RegistrationLimits,
  ): Promise<void> {
    await this.postgres.applyLimits(
      { tenantId, product, mode: isolationMode },
      limits.postgres ?? {},
    );
  }

  protected remove({ tenantId, product, isolationMode }: RegistrationRef): Promise<void> {
    return this.postgres.deprovision({ tenantId, product, mode: isolationMode });
  }
}
