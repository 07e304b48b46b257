import { EventOf, StageUpgraded } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RecordUpgradeOutcomeUseCase } from '../rollouts/record-upgrade-outcome.use-case';

/** A stage's report on one tenant's upgrade moves its rollout on. */
@Controller()
export class StageUpgradedHandler {
  constructor(private readonly recordOutcome: RecordUpgradeOutcomeUseCase) {}

  @HandlesEvent(StageUpgraded)
  async handle(@Payload() event: EventOf<typeof StageUpgraded>, @Ctx() ctx: EventContext) {
    await this.recordOutcome.execute(ctx, { kind: 'upgraded', report: event.payload });
  }
}
