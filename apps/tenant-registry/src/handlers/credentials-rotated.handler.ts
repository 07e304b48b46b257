import { CredentialsRotated, CredentialsRotatedPayload, EventEnvelope } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RecordAppliedCredentialsUseCase } from '../registrations/record-applied-credentials.use-case';

/** Every resource accepts the rotated credentials: products are handed them from now on. */
@Controller()
export class CredentialsRotatedHandler {
  constructor(private readonly recordCredentials: RecordAppliedCredentialsUseCase) {}

  @HandlesEvent(CredentialsRotated)
  async handle(
    @Payload() event: EventEnvelope<CredentialsRotatedPayload>,
    @Ctx() ctx: EventContext,
  ) {
    await this.recordCredentials.execute(
      ctx.tx,
      event.payload.registrationId,
      event.payload.credentials,
    );
  }
}
