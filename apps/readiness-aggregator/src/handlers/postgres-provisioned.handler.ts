import { EventEnvelope, PostgresProvisioned, PostgresProvisionedPayload } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RecordStageOutcomeUseCase } from '../status/record-stage-outcome.use-case';

@Controller()
export class PostgresProvisionedHandler {
  constructor(private readonly recordOutcome: RecordStageOutcomeUseCase) {}

  @HandlesEvent(PostgresProvisioned)
  handle(@Payload() event: EventEnvelope<PostgresProvisionedPayload>, @Ctx() ctx: EventContext) {
    return this.recordOutcome.execute(ctx, event, { kind: 'done', stage: 'postgres' });
  }
}
