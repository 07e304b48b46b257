import { CredentialsIssued, CredentialsIssuedPayload, EventEnvelope } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RecordStageOutcomeUseCase } from '../status/record-stage-outcome.use-case';

@Controller()
export class CredentialsIssuedHandler {
  constructor(private readonly recordOutcome: RecordStageOutcomeUseCase) {}

  @HandlesEvent(CredentialsIssued)
  handle(@Payload() event: EventEnvelope<CredentialsIssuedPayload>, @Ctx() ctx: EventContext) {
    return this.recordOutcome.execute(ctx, event, { kind: 'done', stage: 'credentials' });
  }
}
