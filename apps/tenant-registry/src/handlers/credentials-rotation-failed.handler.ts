import { CredentialsRotationFailed, EventOf } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RecordRotationOutcomeUseCase } from '../registrations/record-rotation-outcome.use-case';

/** A stage gave up applying a rotation: the operator sees it failed, with the cause. */
@Controller()
export class CredentialsRotationFailedHandler {
  constructor(private readonly recordOutcome: RecordRotationOutcomeUseCase) {}

  @HandlesEvent(CredentialsRotationFailed)
  async handle(
    @Payload() event: EventOf<typeof CredentialsRotationFailed>,
    @Ctx() ctx: EventContext,
  ) {
    const { registrationId, rotationId, reason } = event.payload;
    await this.recordOutcome.execute(ctx.tx, registrationId, rotationId, {
      state: 'failed',
      at: event.occurredAt,
      reason,
    });
  }
}
