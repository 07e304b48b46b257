import { EventOf, ServiceRegistered } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { CredentialsStageUseCase } from '../credentials/credentials-stage.use-case';

@Controller()
export class ServiceRegisteredHandler {
  constructor(private readonly credentialsStage: CredentialsStageUseCase) {}

  @HandlesEvent(ServiceRegistered)
  async handle(@Payload() event: EventOf<typeof ServiceRegistered>, @Ctx() ctx: EventContext) {
    await this.credentialsStage.execute(ctx, event.payload);
  }
}
