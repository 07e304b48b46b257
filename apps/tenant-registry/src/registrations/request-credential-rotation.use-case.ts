import { CredentialsRotationRequested } from '@enclave/contracts';
import { OutboxWriter } from '@enclave/messaging';
import { ConflictException, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RegistrationRotation } from './registration-rotation';
import { lockRegistration } from './lock-registration';
import { ServiceRegistrationEntity } from './service-registration.entity';

/**
 * Asks for new credentials for every resource of a ready registration. The credential-service writes
 * new vault versions, the provisioners apply them, and the aggregator announces CredentialsRotated
 * once all have; until then products keep being handed the versions in force. The registration's
 * `rotation` shows the request until the aggregator's outcome settles it.
 */
@Injectable()
export class RequestCredentialRotationUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  execute(
    tenantId: string,
    product: string,
    correlationId?: string,
  ): Promise<{ rotationId: string }> {
    return this.dataSource.transaction(async (tx) => {
      const registration = await lockRegistration(tx, tenantId, product);
      if (registration.state !== 'ready') {
        throw new ConflictException(
          `${product} for ${tenantId} is ${registration.state}; only ready credentials can be rotated`,
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
      await this.outbox.append(
        tx,
        CredentialsRotationRequested,
        {
          tenantId,
          registrationId: registration.id,
          product,
          isolationMode: registration.isolationMode,
          rotationId,
        },
        { tenantId, correlationId },
      );
      return { rotationId };
    });
  }
}
