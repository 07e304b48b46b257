import { EventOf, ServiceDeprovisionRequested } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RevokeCredentialsUseCase } from '../credentials/revoke-credentials.use-case';

@Controller()
export class ServiceDeprovisionRequestedHandler {
  constructor(private readonly revokeCredentials: RevokeCredentialsUseCase) {}

  @HandlesEvent(ServiceDeprovisionRequested)
  async handle(
    @Payload() event: EventOf<typeof ServiceDeprovisionRequested>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.revokeCredentials.execute(ctx, event.payload);
  }
}
