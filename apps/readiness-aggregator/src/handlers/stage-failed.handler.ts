import { EventEnvelope, StageFailed, StageFailedPayload } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RecordStageOutcomeUseCase } from '../status/record-stage-outcome.use-case';

@Controller()
export class StageFailedHandler {
  constructor(private readonly recordOutcome: RecordStageOutcomeUseCase) {}

  @HandlesEvent(StageFailed)
  handle(@Payload() event: EventEnvelope<StageFailedPayload>, @Ctx() ctx: EventContext) {
    return this.recordOutcome.execute(ctx, event, {
      kind: 'failed',
      stage: event.payload.stage,
      reason: event.payload.reason,
    });
  }
}
