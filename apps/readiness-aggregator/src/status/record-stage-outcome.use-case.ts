import { EventEnvelope, RegistrationRef } from '@enclave/contracts';
import { EventContext } from '@enclave/messaging';
import { Injectable } from '@nestjs/common';
import { lockServiceStatus } from './lock-service-status';
import { publishStatusNews } from './publish-status-news';
import { ServiceStatusEntity } from './service-status.entity';
import { ServiceStatusProgress } from './service-status.progress';
import { StageOutcome } from './stage-outcome';

/**
 * Folds one stage event into a registration's status under its row lock (events about one
 * registration arrive on several topics, handled concurrently); ServiceStatusProgress decides.
 * Returns the row, still locked for the transaction, so a caller can fold more into it without
 * reading it again.
 */
@Injectable()
export class RecordStageOutcomeUseCase {
  async execute(
    ctx: EventContext,
    event: EventEnvelope<RegistrationRef>,
    outcome: StageOutcome,
  ): Promise<ServiceStatusEntity> {
    const status = await lockServiceStatus(ctx.tx, event.payload);
    const change = new ServiceStatusProgress(status).record(outcome, event.occurredAt);
    if (!change.changed) return status;
    await ctx.tx.getRepository(ServiceStatusEntity).save(status);
    await publishStatusNews(ctx, event.payload, change.news);
    return status;
  }
}
