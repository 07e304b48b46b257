import { ResourceKind, SecretRef, TenantConnection, tenantResourceNames } from '@enclave/contracts';
import { SECRET_STORE, SecretStore, StoredSecret } from '@enclave/secret-store';
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProductVersionEntity } from '../products/product-version.entity';
import { ServiceRegistrationEntity } from '../registrations/service-registration.entity';
import { TenantEntity } from '../tenants/tenant.entity';
import { isOffboarded } from '../tenants/tenant-record-status';

type Credential = Pick<
  NonNullable<TenantConnection['postgres']>,
  'username' | 'password' | 'secretVersion'
>;

/**
 * What a product needs to serve one tenant: its registration's state and, only when the tenant may
 * be served, the names and credentials of its resources, at the vault versions the resources have
 * applied. Nothing about other tenants or other products.
 */
@Injectable()
export class ResolveTenantConnectionUseCase {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SECRET_STORE) private readonly secrets: SecretStore,
  ) {}

  async execute(product: string, tenantId: string): Promise<TenantConnection> {
    const [tenant, registration] = await Promise.all([
      this.dataSource.getRepository(TenantEntity).findOneBy({ id: tenantId }),
      this.dataSource.getRepository(ServiceRegistrationEntity).findOneBy({ tenantId, product }),
    ]);
    // Offboarded, or being offboarded (the registration or the whole tenant), is as good as gone:
    // its resources are going away.
    if (
      !tenant ||
      isOffboarded(tenant.status) ||
      !registration ||
      registration.state === 'deprovisioning' ||
      registration.state === 'deleted'
    ) {
      throw new NotFoundException(`${product} is not registered for tenant ${tenantId}`);
    }
    const base = { tenantId, product, isolationMode: registration.isolationMode };
    if (tenant.status === 'suspended') return { ...base, state: 'suspended' };
    if (registration.state !== 'ready') return { ...base, state: registration.state };

    const names = tenantResourceNames(tenantId, product, registration.isolationMode);
    const read = (resource: ResourceKind) =>
      registration.resources.includes(resource)
        ? this.credential(names.secretPath(resource), registration.credentials?.[resource])
        : undefined;
    const [postgres, mongodb, rabbitmq] = await Promise.all([
      read('postgres'),
      read('mongodb'),
      read('rabbitmq'),
    ]);
    return {
      ...base,
      state: 'ready',
      postgres: postgres && { database: names.pgDatabase, schema: names.pgSchema, ...postgres },
      mongodb: mongodb && { database: names.mongoDatabase, ...mongodb },
      rabbitmq: rabbitmq && { ...(await this.rabbitPlacement(registration, names)), ...rabbitmq },
    };
  }

  /**
   * The tenant's vhost and name prefix, by its product's RabbitMQ isolation level: read from the
   * manifest of the registration's version (the level never changes from version to version;
   * manifests stored before the level existed have none and are a vhost per tenant).
   */
  private async rabbitPlacement(
    registration: ServiceRegistrationEntity,
    names: ReturnType<typeof tenantResourceNames>,
  ) {
    const version = await this.dataSource
      .getRepository(ProductVersionEntity)
      .findOneBy({ product: registration.product, version: registration.productVersion });
    return version?.manifest.resources.rabbitmq?.isolation === 'SHARED_VHOST'
      ? { vhost: names.sharedVhost, isolation: 'SHARED_VHOST' as const, prefix: names.rabbitPrefix }
      : { vhost: names.vhost, isolation: 'VHOST' as const, prefix: '' };
  }

  /** The applied version when known; before the registry has seen it, the only one there is. */
  private async credential(
    path: string,
    ref: SecretRef | undefined,
  ): Promise<Credential | undefined> {
    const secret: StoredSecret | undefined = ref
      ? await this.secrets.get(ref.path, ref.version)
      : await this.secrets.find(path);
    if (!secret?.data.username || !secret.data.password) return undefined;
    return {
      username: secret.data.username,
      password: secret.data.password,
      secretVersion: secret.ref.version,
    };
  }
}
