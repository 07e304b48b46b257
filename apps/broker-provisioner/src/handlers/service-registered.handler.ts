import { EventOf, ServiceRegistered } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RabbitMqStageUseCase } from '../provisioning/rabbitmq-stage.use-case';

/**
 * A registration with its own limits: they are kept (revision 0), for the provisioning that follows
 * its CredentialsIssued, or applied if that came first.
 */
@Controller()
export class ServiceRegisteredHandler {
  constructor(private readonly rabbitmq: RabbitMqStageUseCase) {}

  // Without limits of its own, the registration has the defaults: nothing to keep, no transaction.
  @HandlesEvent(ServiceRegistered, { concerns: (event) => event.payload.limits !== undefined })
  async handle(
    @Payload() event: EventOf<typeof ServiceRegistered>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const { limits, ...registration } = event.payload;
    if (!limits) return;
    await this.rabbitmq.changeLimits(ctx, { ...registration, revision: 0, limits });
  }
}
