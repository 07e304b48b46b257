import { EventDefinition, RegistrationRef } from '@enclave/contracts';
import { OutboxWriter } from '@enclave/messaging';
import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ServiceRegistrationEntity } from './service-registration.entity';

/** Appends the event saying what a command changed: the registration's fields, then its own. */
export type AnnounceChange = <P extends RegistrationRef>(
  event: EventDefinition<string, P>,
  fields: Omit<P, keyof RegistrationRef>,
) => Promise<void>;

/**
 * An operator's request about one registration (retry, offboard, rotate). In one transaction the
 * tenant's registration of the product is locked (requests about it queue here; 404 when it is not
 * registered), checked, changed, and the event saying so goes to the outbox: both commit or neither.
 * A subclass says only what the request changes, or why it is refused (409).
 */
@Injectable()
export abstract class LockedRegistrationCommand<R, I = undefined> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  /** `input`: what the request asks for, when it asks for more than the command itself. */
  execute(tenantId: string, product: string, correlationId?: string, input?: I): Promise<R> {
    return this.dataSource.transaction(async (tx) => {
      const registration = await tx.findOne(ServiceRegistrationEntity, {
        where: { tenantId, product },
        lock: { mode: 'pessimistic_write' },
      });
      if (!registration) {
        throw new NotFoundException(`${product} is not registered for tenant ${tenantId}`);
      }
      return this.executeIn(tx, registration, correlationId, input);
    });
  }

  /**
   * The same request inside a caller's transaction, on a registration the caller has locked: a
   * request about a whole tenant takes the very path of one about a single registration.
   */
  executeIn(
    tx: EntityManager,
    registration: ServiceRegistrationEntity,
    correlationId?: string,
    input?: I,
  ): Promise<R> {
    const { tenantId, product } = registration;
    const ref: RegistrationRef = {
      tenantId,
      registrationId: registration.id,
      product,
      isolationMode: registration.isolationMode,
    };
    const announce: AnnounceChange = async <P extends RegistrationRef>(
      event: EventDefinition<string, P>,
      fields: Omit<P, keyof RegistrationRef>,
    ) => {
      // Together they are P: TypeScript cannot add up an Omit of a type parameter.
      await this.outbox.append(tx, event, { ...ref, ...fields } as P, {
        tenantId,
        correlationId,
      });
    };
    return this.change(registration, tx, announce, input as I);
  }

  /** Checks and changes the locked registration with `tx`, and announces the change. */
  protected abstract change(
    registration: ServiceRegistrationEntity,
    tx: EntityManager,
    announce: AnnounceChange,
    input: I,
  ): Promise<R>;
}
