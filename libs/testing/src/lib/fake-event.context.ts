import type { EventDefinition, EventEnvelope } from '@enclave/contracts';
import type { EventContext, EventDelivery } from '@enclave/messaging';

/** One event a handler published: its type and payload. */
export interface PublishedEvent {
  readonly type: string;
  readonly payload: unknown;
}

export interface FakeEventContextOptions {
  /** How the event was delivered; by default the first of several attempts. */
  readonly delivery?: Partial<EventDelivery>;
  /** Stands in for the handler's transaction, e.g. `{ getRepository: () => ({ save }) }`. */
  readonly tx?: object;
  /** The event being handled. */
  readonly envelope?: EventEnvelope;
}

/** An EventContext for unit specs: `publish` is a mock that also records into `published`. */
export type FakeEventContext = EventContext & {
  readonly publish: jest.Mock<
    Promise<void>,
    [def: EventDefinition, payload: unknown, tenantId?: string]
  >;
  /** Everything published, in order; the definitions themselves are in `publish.mock.calls`. */
  readonly published: PublishedEvent[];
};

/** An EventContext with no database or outbox behind it, for handlers and use cases in unit specs. */
export function fakeEventContext(options: FakeEventContextOptions = {}): FakeEventContext {
  const published: PublishedEvent[] = [];
  const publish = jest.fn(async (def: EventDefinition, payload: unknown, _tenantId?: string) => {
    published.push({ type: def.type, payload });
  });
  const delivery: EventDelivery = {
    topic: 'test',
    partition: 0,
    offset: '0',
    attempt: 1,
    finalAttempt: false,
    ...options.delivery,
  };
  return {
    envelope: options.envelope,
    tx: options.tx ?? {},
    delivery,
    publish,
    published,
    getArgs: () => [delivery],
    getArgByIndex: (index: number) => [delivery][index],
  } as unknown as FakeEventContext;
}
