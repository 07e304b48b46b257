import { EventOf, ServiceRegistered, requiredStages } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RecordStageOutcomeUseCase } from '../status/record-stage-outcome.use-case';

@Controller()
export class ServiceRegisteredHandler {
  constructor(private readonly recordOutcome: RecordStageOutcomeUseCase) {}

  @HandlesEvent(ServiceRegistered)
  handle(@Payload() event: EventOf<typeof ServiceRegistered>, @Ctx() ctx: EventContext) {
    return this.recordOutcome.execute(ctx, event, {
      kind: 'registered',
      required: requiredStages(event.payload.resources),
    });
  }
}
