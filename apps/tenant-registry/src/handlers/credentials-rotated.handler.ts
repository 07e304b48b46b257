import { CredentialsRotated, EventOf } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RecordAppliedCredentialsUseCase } from '../registrations/record-applied-credentials.use-case';
import { RecordRotationOutcomeUseCase } from '../registrations/record-rotation-outcome.use-case';

/** Every resource accepts the rotated credentials: products are handed them from now on. */
@Controller()
export class CredentialsRotatedHandler {
  constructor(
    private readonly recordCredentials: RecordAppliedCredentialsUseCase,
    private readonly recordOutcome: RecordRotationOutcomeUseCase,
  ) {}

  @HandlesEvent(CredentialsRotated)
  async handle(@Payload() event: EventOf<typeof CredentialsRotated>, @Ctx() ctx: EventContext) {
    await this.recordCredentials.execute(ctx.tx, event.payload);
    await this.recordOutcome.execute(
      ctx.tx,
      event.payload.registrationId,
      event.payload.rotationId,
      {
        state: 'done',
        at: event.occurredAt,
      },
    );
  }
}
