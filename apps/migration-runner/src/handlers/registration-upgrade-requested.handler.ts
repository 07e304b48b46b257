import { EventOf, RegistrationUpgradeRequested } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { MigrationsStageUseCase } from '../migrations/migrations-stage.use-case';

/** The migrations part of a rollout: what the new version appends, as the tenant's role. */
@Controller()
export class RegistrationUpgradeRequestedHandler {
  constructor(private readonly migrations: MigrationsStageUseCase) {}

  @HandlesEvent(RegistrationUpgradeRequested)
  async handle(
    @Payload() event: EventOf<typeof RegistrationUpgradeRequested>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.migrations.upgrade(ctx, event.payload);
  }
}
