import { EventEnvelope, ServiceRetryRequestedPayload } from '@enclave/contracts';
import { EventContext } from '@enclave/messaging';
import { Injectable, Logger } from '@nestjs/common';
import { lockServiceStatus } from './lock-service-status';
import { publishStatusNews } from './publish-status-news';
import { ServiceStatusEntity } from './service-status.entity';
import { ServiceStatusProgress } from './service-status.progress';

/**
 * An operator's retry of a Failed registration: reopened (ServiceStatusProgress.retry), and
 * ServiceRetryStarted sets the stages going again. Reopening here, before any stage runs again, is
 * what keeps the new attempt's outcomes from arriving at a registration still marked Failed.
 */
@Injectable()
export class ReopenFailedServiceUseCase {
  private readonly logger = new Logger(ReopenFailedServiceUseCase.name);

  async execute(
    ctx: EventContext,
    event: EventEnvelope<ServiceRetryRequestedPayload>,
  ): Promise<'reopened' | 'ignored'> {
    const { registrationId, retry } = event.payload;
    const status = await lockServiceStatus(ctx.tx, event.payload);
    const change = new ServiceStatusProgress(status).retry(event.payload);
    if (!change.changed) {
      this.logger.log(
        { registrationId, retry, lastRetry: status.retries, state: status.state },
        'retry ignored: not newer than the last, or the registration is not failed',
      );
      return 'ignored';
    }
    await ctx.tx.getRepository(ServiceStatusEntity).save(status);
    await publishStatusNews(ctx, event.payload, change.news);
    return 'reopened';
  }
}
