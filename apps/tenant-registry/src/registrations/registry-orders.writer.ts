import {
  LimitsOrder,
  RegistrationLimits,
  TenantStatus,
  offboardingOrderOf,
  registryOrderPath,
  tenantStatusOrderPath,
} from '@enclave/contracts';
import { SECRET_STORE, SecretStore } from '@enclave/secret-store';
import { Inject, Injectable } from '@nestjs/common';
import { ServiceRegistrationEntity } from './service-registration.entity';

type Registration = Pick<
  ServiceRegistrationEntity,
  'id' | 'tenantId' | 'product' | 'isolationMode' | 'resources'
>;

/**
 * Writes down in the vault what the registry asks of the stages, besides announcing it on Kafka:
 * the stages that drop resources, move credentials or change a tenant's access act only on an event
 * that matches the order (libs/lifecycle `checkOffboardingOrdered`, `checkRotationOrdered`,
 * `checkTenantStatusOrdered`, `checkLimitsOrdered`). Written inside the command's
 * transaction, before it commits: an order always exists for a committed request. Orders are kept
 * (a late or repeated genuine event still matches); a (tenant, product) is registered only once.
 */
@Injectable()
export class RegistryOrdersWriter {
  constructor(@Inject(SECRET_STORE) private readonly secrets: SecretStore) {}

  async orderOffboarding(registration: Registration): Promise<void> {
    const order = offboardingOrderOf({ ...registration, registrationId: registration.id });
    await this.secrets.put(
      registryOrderPath(registration.tenantId, registration.product, 'offboarding'),
      { ...order },
    );
  }

  async orderRotation(registration: Registration, rotationId: string): Promise<void> {
    await this.secrets.put(
      registryOrderPath(registration.tenantId, registration.product, 'rotation'),
      { registrationId: registration.id, rotationId },
    );
  }

  async orderLimits(
    registration: Registration,
    revision: number,
    limits: RegistrationLimits,
  ): Promise<void> {
    const order: LimitsOrder = {
      registrationId: registration.id,
      revision: String(revision),
      limits: JSON.stringify(limits),
    };
    await this.secrets.put(
      registryOrderPath(registration.tenantId, registration.product, 'limits'),
      { ...order },
    );
  }

  async orderTenantStatus(tenantId: string, status: TenantStatus, revision: number): Promise<void> {
    await this.secrets.put(tenantStatusOrderPath(tenantId), {
      status,
      revision: String(revision),
    });
  }
}
