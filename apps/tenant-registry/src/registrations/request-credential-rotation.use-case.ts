import { CredentialsRotationRequested } from '@enclave/contracts';
import { OutboxWriter } from '@enclave/messaging';
import { ConflictException, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AnnounceChange, LockedRegistrationCommand } from './locked-registration.command';
import { RegistryOrdersWriter } from './registry-orders.writer';
import { RegistrationRotation } from './registration-rotation';
import { ServiceRegistrationEntity } from './service-registration.entity';

/**
 * Asks for new credentials for every resource of a ready registration. The credential-service writes
 * new vault versions, the provisioners apply them, and the aggregator announces CredentialsRotated
 * once all have; until then products keep being handed the versions in force. The registration's
 * `rotation` shows the request until the aggregator's outcome settles it. The rotation order goes
 * to the vault first: the credential-service rotates nothing without it.
 */
@Injectable()
export class RequestCredentialRotationUseCase extends LockedRegistrationCommand<{
  rotationId: string;
}> {
  constructor(
    dataSource: DataSource,
    outbox: OutboxWriter,
    private readonly orders: RegistryOrdersWriter,
  ) {
    super(dataSource, outbox);
  }

  protected async change(
    registration: ServiceRegistrationEntity,
    tx: EntityManager,
    announce: AnnounceChange,
  ): Promise<{ rotationId: string }> {
    if (registration.state !== 'ready') {
      throw new ConflictException(
        `${registration.product} for ${registration.tenantId} is ${registration.state}; only ready credentials can be rotated`,
      );
    }
    const rotationId = randomUUID();
    const rotation: RegistrationRotation = {
      rotationId,
      state: 'requested',
      requestedAt: new Date().toISOString(),
      completedAt: null,
      reason: null,
    };
    await this.orders.orderRotation(registration, rotationId);
    await tx.update(ServiceRegistrationEntity, { id: registration.id }, { rotation });
    await announce(CredentialsRotationRequested, {
      rotationId,
      productVersion: registration.productVersion,
    });
    return { rotationId };
  }
}
