import { offboardingOrderOf, registryOrderPath } from '@enclave/contracts';
import { SECRET_STORE, SecretStore } from '@enclave/secret-store';
import { Inject, Injectable } from '@nestjs/common';
import { ServiceRegistrationEntity } from './service-registration.entity';

type Registration = Pick<
  ServiceRegistrationEntity,
  'id' | 'tenantId' | 'product' | 'isolationMode' | 'resources'
>;

/**
 * Writes down in the vault what the registry asks of the stages, besides announcing it on Kafka:
 * the stages that drop resources or move credentials act only on an event that matches the order
 * (libs/lifecycle `checkOffboardingOrdered`, `checkRotationOrdered`). Written inside the command's
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
}
