import { EventOf, ServiceDeprovisionRequested } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { MigrationsStageUseCase } from '../migrations/migrations-stage.use-case';

/** Offboarding, migrations part. */
@Controller()
export class ServiceDeprovisionRequestedHandler {
  constructor(private readonly migrations: MigrationsStageUseCase) {}

  @HandlesEvent(ServiceDeprovisionRequested)
  async handle(
    @Payload() event: EventOf<typeof ServiceDeprovisionRequested>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.migrations.release(ctx, event.payload);
  }
}
