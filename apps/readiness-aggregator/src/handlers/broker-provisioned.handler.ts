import { BrokerProvisioned, EventOf } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { TrackRotationUseCase } from '../rotation/track-rotation.use-case';
import { RecordStageOutcomeUseCase } from '../status/record-stage-outcome.use-case';

@Controller()
export class BrokerProvisionedHandler {
  constructor(
    private readonly recordOutcome: RecordStageOutcomeUseCase,
    private readonly trackRotation: TrackRotationUseCase,
  ) {}

  @HandlesEvent(BrokerProvisioned)
  async handle(@Payload() event: EventOf<typeof BrokerProvisioned>, @Ctx() ctx: EventContext) {
    const status = await this.recordOutcome.execute(ctx, event, {
      kind: 'done',
      stage: 'rabbitmq',
    });
    // The same event, caused by a rotation's CredentialsIssued, says the new password is applied.
    await this.trackRotation.execute(
      ctx,
      event,
      {
        kind: 'applied',
        stage: 'rabbitmq',
        rotationId: event.payload.rotationId,
      },
      status,
    );
  }
}
