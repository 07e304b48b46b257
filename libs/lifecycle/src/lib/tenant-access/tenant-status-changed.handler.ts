import { EventOf, TenantStatusChanged } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { ChangeTenantAccessUseCase } from './change-tenant-access.use-case';

/** A tenant suspended or resumed: its logins on this stage's server follow. */
@Controller()
export class TenantStatusChangedHandler {
  constructor(
    @Inject(ChangeTenantAccessUseCase) private readonly useCase: ChangeTenantAccessUseCase,
  ) {}

  @HandlesEvent(TenantStatusChanged)
  async handle(
    @Payload() event: EventOf<typeof TenantStatusChanged>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.useCase.execute(ctx, event.payload);
  }
}
