import { EventOf, PostgresProvisioned } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { TrackRotationUseCase } from '../rotation/track-rotation.use-case';
import { RecordStageOutcomeUseCase } from '../status/record-stage-outcome.use-case';

@Controller()
export class PostgresProvisionedHandler {
  constructor(
    private readonly recordOutcome: RecordStageOutcomeUseCase,
    private readonly trackRotation: TrackRotationUseCase,
  ) {}

  @HandlesEvent(PostgresProvisioned)
  async handle(@Payload() event: EventOf<typeof PostgresProvisioned>, @Ctx() ctx: EventContext) {
    const status = await this.recordOutcome.execute(ctx, event, {
      kind: 'done',
      stage: 'postgres',
    });
    // The same event, caused by a rotation's CredentialsIssued, says the new password is applied.
    await this.trackRotation.execute(
      ctx,
      event,
      {
        kind: 'applied',
        stage: 'postgres',
        rotationId: event.payload.rotationId,
      },
      status,
    );
  }
}
