import {
  CredentialsIssued,
  EventEnvelope,
  EventOf,
  StageFailed,
  StageFailedPayload,
} from '@enclave/contracts';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { EventContext } from './event.context';
import { HandlesEvent } from './handles-event.decorator';

// Type-level tests: `npm run typecheck` compiles this file, and each @ts-expect-error fails the
// build if the line below it ever compiles.
class Handlers {
  @HandlesEvent(StageFailed)
  async paired(_event: EventOf<typeof StageFailed>, _ctx: EventContext): Promise<void> {}

  // @ts-expect-error a StageFailed handler cannot be paired with CredentialsIssued
  @HandlesEvent(CredentialsIssued)
  async mismatched(_event: EventEnvelope<StageFailedPayload>, _ctx: EventContext): Promise<void> {}

  // @ts-expect-error a handler may not widen its parameter past the event it handles
  @HandlesEvent(StageFailed)
  async widened(_event: EventEnvelope<unknown>, _ctx: EventContext): Promise<void> {}
}

describe('HandlesEvent', () => {
  it('subscribes the method to its event topic', () => {
    const pattern = Reflect.getMetadata(PATTERN_METADATA, Handlers.prototype.paired);
    expect(pattern).toEqual([StageFailed.topic]);
  });
});
