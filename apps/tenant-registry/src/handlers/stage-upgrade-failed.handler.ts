import { EventOf, StageUpgradeFailed } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RecordUpgradeOutcomeUseCase } from '../rollouts/record-upgrade-outcome.use-case';

/** A stage's report on one tenant's upgrade moves its rollout on. */
@Controller()
export class StageUpgradeFailedHandler {
  constructor(private readonly recordOutcome: RecordUpgradeOutcomeUseCase) {}

  @HandlesEvent(StageUpgradeFailed)
  async handle(@Payload() event: EventOf<typeof StageUpgradeFailed>, @Ctx() ctx: EventContext) {
    await this.recordOutcome.execute(ctx, { kind: 'failed', report: event.payload });
  }
}
