import { EventOf, RegistrationUpgradeRequested } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { MongoStageUseCase } from '../provisioning/mongodb-stage.use-case';

/** The MongoDB part of a rollout: the collections and indexes the new version appends. */
@Controller()
export class RegistrationUpgradeRequestedHandler {
  constructor(private readonly mongodb: MongoStageUseCase) {}

  // A registration without a MongoDB database has nothing to bring forward here: no transaction.
  @HandlesEvent(RegistrationUpgradeRequested, {
    concerns: (event) => event.payload.resources.includes('mongodb'),
  })
  async handle(
    @Payload() event: EventOf<typeof RegistrationUpgradeRequested>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.mongodb.upgrade(ctx, event.payload);
  }
}
