import { BrokerProvisioned, BrokerProvisionedPayload, EventEnvelope } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RecordStageOutcomeUseCase } from '../status/record-stage-outcome.use-case';

@Controller()
export class BrokerProvisionedHandler {
  constructor(private readonly recordOutcome: RecordStageOutcomeUseCase) {}

  @HandlesEvent(BrokerProvisioned)
  handle(@Payload() event: EventEnvelope<BrokerProvisionedPayload>, @Ctx() ctx: EventContext) {
    return this.recordOutcome.execute(ctx, event, { kind: 'done', stage: 'rabbitmq' });
  }
}
