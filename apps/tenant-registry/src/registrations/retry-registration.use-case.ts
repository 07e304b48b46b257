import { ServiceRetryRequested } from '@enclave/contracts';
import { OutboxWriter } from '@enclave/messaging';
import { ConflictException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { lockRegistration } from './lock-registration';
import { ServiceRegistrationEntity } from './service-registration.entity';

/**
 * Asks to provision a Failed registration again, once an operator has dealt with the cause. The
 * registration shows `provisioning` at once (its failed stages pending), so a second request is a
 * conflict rather than a second retry; the aggregator reopens it and every stage runs again, keeping
 * what it already made. ServiceReady follows as for a first attempt, or Failed with the new cause.
 */
@Injectable()
export class RetryRegistrationUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  execute(
    tenantId: string,
    product: string,
    correlationId?: string,
  ): Promise<ServiceRegistrationEntity> {
    return this.dataSource.transaction(async (tx) => {
      const registration = await lockRegistration(tx, tenantId, product);
      if (registration.state !== 'failed') {
        throw new ConflictException(
          `${product} for ${tenantId} is ${registration.state}; only a failed registration can be retried`,
        );
      }
      registration.retries += 1;
      registration.state = 'provisioning';
      registration.conditions = registration.conditions.map((condition) =>
        condition.status === 'failed'
          ? { ...condition, status: 'pending', reason: null, completedAt: null, durationMs: null }
          : condition,
      );
      await tx.save(registration);
      await this.outbox.append(
        tx,
        ServiceRetryRequested,
        {
          tenantId,
          registrationId: registration.id,
          product,
          isolationMode: registration.isolationMode,
          retry: registration.retries,
          resources: registration.resources,
        },
        { tenantId, correlationId },
      );
      return registration;
    });
  }
}
