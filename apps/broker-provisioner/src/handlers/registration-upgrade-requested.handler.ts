import { EventOf, RegistrationUpgradeRequested } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RabbitMqStageUseCase } from '../provisioning/rabbitmq-stage.use-case';

/** The RabbitMQ part of a rollout: the topology and limits of the new version. */
@Controller()
export class RegistrationUpgradeRequestedHandler {
  constructor(private readonly rabbitmq: RabbitMqStageUseCase) {}

  // A registration without a vhost has nothing to bring forward here: no transaction for it.
  @HandlesEvent(RegistrationUpgradeRequested, {
    concerns: (event) => event.payload.resources.includes('rabbitmq'),
  })
  async handle(
    @Payload() event: EventOf<typeof RegistrationUpgradeRequested>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.rabbitmq.upgrade(ctx, event.payload);
  }
}
