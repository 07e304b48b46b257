import { CredentialsIssued, EventOf } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RecordAppliedCredentialsUseCase } from '../registrations/record-applied-credentials.use-case';

/**
 * A first issue is what the provisioners apply, so it is what products get. Rotated versions are
 * recorded only from CredentialsRotated, once every resource has applied them.
 */
@Controller()
export class CredentialsIssuedHandler {
  constructor(private readonly recordCredentials: RecordAppliedCredentialsUseCase) {}

  @HandlesEvent(CredentialsIssued)
  async handle(@Payload() event: EventOf<typeof CredentialsIssued>, @Ctx() ctx: EventContext) {
    if (event.payload.rotationId !== null) return;
    await this.recordCredentials.execute(ctx.tx, event.payload);
  }
}
