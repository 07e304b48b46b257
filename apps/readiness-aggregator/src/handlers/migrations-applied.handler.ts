import { EventOf, MigrationsApplied } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RecordStageOutcomeUseCase } from '../status/record-stage-outcome.use-case';

@Controller()
export class MigrationsAppliedHandler {
  constructor(private readonly recordOutcome: RecordStageOutcomeUseCase) {}

  @HandlesEvent(MigrationsApplied)
  handle(@Payload() event: EventOf<typeof MigrationsApplied>, @Ctx() ctx: EventContext) {
    return this.recordOutcome.execute(ctx, event, {
      kind: 'done',
      stage: 'migrations',
      schemaVersion: event.payload.schemaVersion,
    });
  }
}
