import { EventEnvelope, MongoProvisioned, MongoProvisionedPayload } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RecordStageOutcomeUseCase } from '../status/record-stage-outcome.use-case';

@Controller()
export class MongoProvisionedHandler {
  constructor(private readonly recordOutcome: RecordStageOutcomeUseCase) {}

  @HandlesEvent(MongoProvisioned)
  handle(@Payload() event: EventEnvelope<MongoProvisionedPayload>, @Ctx() ctx: EventContext) {
    return this.recordOutcome.execute(ctx, event, { kind: 'done', stage: 'mongodb' });
  }
}
