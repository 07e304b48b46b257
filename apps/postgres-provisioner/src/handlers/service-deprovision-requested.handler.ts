import { EventOf, ServiceDeprovisionRequested } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { PostgresStageUseCase } from '../provisioning/postgres-stage.use-case';

/** Offboarding, PostgreSQL part. */
@Controller()
export class ServiceDeprovisionRequestedHandler {
  constructor(private readonly postgres: PostgresStageUseCase) {}

  @HandlesEvent(ServiceDeprovisionRequested)
  async handle(
    @Payload() event: EventOf<typeof ServiceDeprovisionRequested>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.postgres.release(ctx, event.payload);
  }
}
