import {
  BrokerProvisioned,
  BrokerProvisionedPayload,
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
import { RabbitMqTenantProvisioner, RabbitMqTopology } from './rabbitmq-tenant.provisioner';

type Report = ResourceReport<BrokerProvisionedPayload>;

/**
 * The RabbitMQ stage: the tenant's vhost, user, permissions, limits and the product's topology (or,
 * for a product with a shared vhost, the tenant's user, prefix permissions, user limits and its
 * prefixed topology there). At offboarding the vhost (with everything in it) and the user go, or in
 * a shared vhost the user and everything under its prefix; a vhost the platform did not make for
 * this tenant (or product) is left alone.
 */
@Injectable()
export class RabbitMqStageUseCase extends ResourceStage<
  BrokerProvisionedPayload,
  RabbitMqTopology
> {
  constructor(
    @Inject(SECRET_STORE) secrets: SecretStore,
    private readonly rabbitmq: RabbitMqTenantProvisioner,
    catalog: ProductVersionStore,
    access: TenantAccessStore,
    limits?: RegistrationLimitsStore,
  ) {
    super('rabbitmq', BrokerProvisioned, secrets, catalog, access, limits);
  }

  protected declared(manifest: ProductManifest): RabbitMqTopology | undefined {
    return manifest.resources.rabbitmq;
  }

  protected async make(
    login: ResourceLogin,
    topology: RabbitMqTopology,
    _credential: SecretRef,
    _productVersion: string,
    limits: RegistrationLimits | null,
  ): Promise<Report> {
    const { vhost, user, isolation, prefix } = await this.rabbitmq.provision({
      ...login,
      topology,
      limits: limits?.rabbitmq,
    });
    return { vhost, user, isolation, prefix };
  }

  protected override async restrict(
    { tenantId, product }: RegistrationRef,
    topology: RabbitMqTopology,
    limits: RegistrationLimits,
  ): Promise<void> {
    await this.rabbitmq.applyLimits({ tenantId, product }, topology, limits.rabbitmq);
  }

  protected remove({ tenantId, product }: RegistrationRef): Promise<void> {
    return this.rabbitmq.deprovision({ tenantId, product });
  }
}
