import { CredentialsIssued, EventOf } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { TrackRotationUseCase } from '../rotation/track-rotation.use-case';
import { RecordStageOutcomeUseCase } from '../status/record-stage-outcome.use-case';

@Controller()
export class CredentialsIssuedHandler {
  constructor(
    private readonly recordOutcome: RecordStageOutcomeUseCase,
    private readonly trackRotation: TrackRotationUseCase,
  ) {}

  @HandlesEvent(CredentialsIssued)
  handle(@Payload() event: EventOf<typeof CredentialsIssued>, @Ctx() ctx: EventContext) {
    const { rotationId, credentials } = event.payload;
    // A rotation replaces credentials of a provisioned registration: no news about the stage.
    if (rotationId !== null) {
      return this.trackRotation.execute(ctx, event, { kind: 'issued', rotationId, credentials });
    }
    return this.recordOutcome.execute(ctx, event, { kind: 'done', stage: 'credentials' });
  }
}
