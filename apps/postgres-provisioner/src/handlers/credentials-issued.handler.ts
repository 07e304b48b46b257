import { CredentialsIssued, EventOf } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { PostgresStageUseCase } from '../provisioning/postgres-stage.use-case';

/** The PostgreSQL stage starts once the tenant's credentials are vaulted (or re-applies rotated ones). */
@Controller()
export class CredentialsIssuedHandler {
  constructor(private readonly postgres: PostgresStageUseCase) {}

  @HandlesEvent(CredentialsIssued)
  async handle(
    @Payload() event: EventOf<typeof CredentialsIssued>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.postgres.provision(ctx, event.payload);
  }
}
