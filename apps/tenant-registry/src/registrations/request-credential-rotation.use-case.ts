import { CredentialsRotationRequested } from '@enclave/contracts';
import { ConflictException, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AnnounceChange, LockedRegistrationCommand } from './locked-registration.command';
import { RegistrationRotation } from './registration-rotation';
import { ServiceRegistrationEntity } from './service-registration.entity';

/**
 * Asks for new credentials for every resource of a ready registration. The credential-service writes
 * new vault versions, the provisioners apply them, and the aggregator announces CredentialsRotated
 * once all have; until then products keep being handed the versions in force. The registration's
 * `rotation` shows the request until the aggregator's outcome settles it.
 */
@Injectable()
export class RequestCredentialRotationUseCase extends LockedRegistrationCommand<{
  rotationId: string;
}> {
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
    await tx.update(ServiceRegistrationEntity, { id: registration.id }, { rotation });
    await announce(CredentialsRotationRequested, {
      rotationId,
      productVersion: registration.productVersion,
    });
    return { rotationId };
  }
}
