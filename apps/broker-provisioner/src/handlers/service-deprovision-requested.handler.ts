import { EventOf, ServiceDeprovisionRequested } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RabbitMqStageUseCase } from '../provisioning/rabbitmq-stage.use-case';

/** Offboarding, RabbitMQ part. */
@Controller()
export class ServiceDeprovisionRequestedHandler {
  constructor(private readonly rabbitmq: RabbitMqStageUseCase) {}

  @HandlesEvent(ServiceDeprovisionRequested)
  async handle(
    @Payload() event: EventOf<typeof ServiceDeprovisionRequested>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.rabbitmq.release(ctx, event.payload);
  }
}
