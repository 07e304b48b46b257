import { EventOf, ServiceRetryRequested } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { ReopenFailedServiceUseCase } from '../status/reopen-failed-service.use-case';

@Controller()
export class ServiceRetryRequestedHandler {
  constructor(private readonly reopen: ReopenFailedServiceUseCase) {}

  @HandlesEvent(ServiceRetryRequested)
  async handle(
    @Payload() event: EventOf<typeof ServiceRetryRequested>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.reopen.execute(ctx, event);
  }
}
