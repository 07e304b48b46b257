import { EventOf, PostgresProvisioned } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { MigrationsStageUseCase } from '../migrations/migrations-stage.use-case';

/** The migrations stage starts once the tenant's database or schema exists. */
@Controller()
export class PostgresProvisionedHandler {
  constructor(private readonly migrations: MigrationsStageUseCase) {}

  @HandlesEvent(PostgresProvisioned)
  async handle(
    @Payload() event: EventOf<typeof PostgresProvisioned>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.migrations.apply(ctx, event.payload);
  }
}
