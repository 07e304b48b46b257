import { CredentialsIssued, EventOf } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { MongoStageUseCase } from '../provisioning/mongodb-stage.use-case';

/** The MongoDB stage starts once the tenant's credentials are vaulted (or re-applies rotated ones). */
@Controller()
export class CredentialsIssuedHandler {
  constructor(private readonly mongodb: MongoStageUseCase) {}

  @HandlesEvent(CredentialsIssued)
  async handle(
    @Payload() event: EventOf<typeof CredentialsIssued>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.mongodb.provision(ctx, event.payload);
  }
}
