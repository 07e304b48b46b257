import { EventOf, ServiceRetryStarted } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { CredentialsStageUseCase } from '../credentials/credentials-stage.use-case';

/**
 * An operator's retry of a Failed registration, reopened by the aggregator: the credentials stage
 * runs again (its credentials are reused, not rotated), and its CredentialsIssued sets every later
 * stage going again, each keeping what it already made.
 */
@Controller()
export class ServiceRetryStartedHandler {
  constructor(private readonly credentialsStage: CredentialsStageUseCase) {}

  @HandlesEvent(ServiceRetryStarted)
  async handle(@Payload() event: EventOf<typeof ServiceRetryStarted>, @Ctx() ctx: EventContext) {
    await this.credentialsStage.execute(ctx, event.payload);
  }
}
