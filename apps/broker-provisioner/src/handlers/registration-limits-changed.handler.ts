import { EventOf, RegistrationLimitsChanged } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RabbitMqStageUseCase } from '../provisioning/rabbitmq-stage.use-case';

/**
 * An operator changed a registration's limits: applied on the server unless a newer change was,
 * and only as the tenant-registry ordered it (a forged change is dead-lettered).
 */
@Controller()
export class RegistrationLimitsChangedHandler {
  constructor(private readonly rabbitmq: RabbitMqStageUseCase) {}

  @HandlesEvent(RegistrationLimitsChanged)
  async handle(
    @Payload() event: EventOf<typeof RegistrationLimitsChanged>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.rabbitmq.changeOrderedLimits(ctx, event.payload);
  }
}
