import { EventOf, ServiceDeprovisionRequested } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { MongoStageUseCase } from '../provisioning/mongodb-stage.use-case';

/** Offboarding, MongoDB part. */
@Controller()
export class ServiceDeprovisionRequestedHandler {
  constructor(private readonly mongodb: MongoStageUseCase) {}

  @HandlesEvent(ServiceDeprovisionRequested)
  async handle(
    @Payload() event: EventOf<typeof ServiceDeprovisionRequested>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.mongodb.release(ctx, event.payload);
  }
}
