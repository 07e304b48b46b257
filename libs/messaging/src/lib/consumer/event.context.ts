import { EventDefinition, EventEnvelope } from '@enclave/contracts';
import { BaseRpcContext } from '@nestjs/microservices';
import { EntityManager } from 'typeorm';
import { OutboxWriter } from '../outbox/outbox.writer';

export interface EventDelivery {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly attempt: number;
  /** This is the last attempt before the event is dead-lettered (ordinary errors). */
  readonly finalAttempt: boolean;
}

/**
 * What a handler gets besides the event: the transaction its state changes must use (the event is
 * marked processed in it) and `publish`, which writes follow-up events to the outbox in that same
 * transaction with correlation and causation filled in.
 */
export class EventContext extends BaseRpcContext<[EventDelivery]> {
  constructor(
    readonly envelope: EventEnvelope,
    readonly tx: EntityManager,
    readonly delivery: EventDelivery,
    private readonly outbox: OutboxWriter,
  ) {
    super([delivery]);
  }

  publish<P>(def: EventDefinition<string, P>, payload: P, tenantId = this.envelope.tenantId) {
    return this.outbox.append(this.tx, def, payload, {
      tenantId,
      correlationId: this.envelope.correlationId,
      causationId: this.envelope.id,
    });
  }
}
