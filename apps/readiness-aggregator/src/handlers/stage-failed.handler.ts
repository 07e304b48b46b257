import { EventOf, StageFailed } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { TrackRotationUseCase } from '../rotation/track-rotation.use-case';
import { RecordStageOutcomeUseCase } from '../status/record-stage-outcome.use-case';

@Controller()
export class StageFailedHandler {
  constructor(
    private readonly recordOutcome: RecordStageOutcomeUseCase,
    private readonly trackRotation: TrackRotationUseCase,
  ) {}

  @HandlesEvent(StageFailed)
  async handle(@Payload() event: EventOf<typeof StageFailed>, @Ctx() ctx: EventContext) {
    const { stage, reason, rotationId } = event.payload;
    const status = await this.recordOutcome.execute(ctx, event, { kind: 'failed', stage, reason });
    // A provisioner that gives up applying rotated credentials fails the rotation, not the
    // registration (whose stage is already done, so the line above changes nothing then).
    await this.trackRotation.execute(
      ctx,
      event,
      { kind: 'failed', stage, reason, rotationId },
      status,
    );
  }
}
