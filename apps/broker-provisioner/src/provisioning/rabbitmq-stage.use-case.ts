import { BrokerProvisioned, BrokerProvisionedPayload, RegistrationRef } from '@enclave/contracts';
import { ResourceLogin, ResourceReport, ResourceStage } from '@enclave/lifecycle';
import { productCatalog } from '@enclave/product-catalog';
import { SECRET_STORE, SecretStore } from '@enclave/secret-store';
import { Inject, Injectable } from '@nestjs/common';
import { RabbitMqTenantProvisioner, RabbitMqTopology } from './rabbitmq-tenant.provisioner';

type Report = ResourceReport<BrokerProvisionedPayload>;

/**
 * The RabbitMQ stage: the tenant's vhost, user, permissions, limits and the product's topology. At
 * offboarding the vhost (with everything in it) and the user go; a vhost the platform did not make
 * for this tenant is left alone.
 */
@Injectable()
export class RabbitMqStageUseCase extends ResourceStage<
  BrokerProvisionedPayload,
  RabbitMqTopology
> {
  constructor(
    @Inject(SECRET_STORE) secrets: SecretStore,
    private readonly rabbitmq: RabbitMqTenantProvisioner,
  ) {
    super('rabbitmq', BrokerProvisioned, secrets);
  }

  protected declared(product: string): RabbitMqTopology | undefined {
    return productCatalog.get(product)?.resources.rabbitmq;
  }

  protected async make(login: ResourceLogin, topology: RabbitMqTopology): Promise<Report> {
    const { vhost, user } = await this.rabbitmq.provision({ ...login, topology });
    return { vhost, user };
  }

  protected remove({ tenantId, product }: RegistrationRef): Promise<void> {
    return this.rabbitmq.deprovision({ tenantId, product });
  }
}
