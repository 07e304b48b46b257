import {
  EventEnvelope,
  ServiceRetryRequestedPayload,
  ServiceRetryStarted,
  ServiceStatusChanged,
} from '@enclave/contracts';
import { EventContext } from '@enclave/messaging';
import { Injectable, Logger } from '@nestjs/common';
import { lockServiceStatus } from './lock-service-status';
import { conditionsOf } from './record-stage-outcome.use-case';
import { ServiceStatusEntity } from './service-status.entity';

/**
 * An operator's retry of a Failed registration: its failed stages go back to pending, the stages
 * already done stay done, and ServiceRetryStarted sets the stages going again. Reopening here, before
 * any stage runs again, is what keeps the new attempt's outcomes from arriving at a registration
 * still marked Failed. A retry no newer than the last one taken, or of a registration that is not
 * Failed, changes nothing: requests may be repeated or replayed.
 */
@Injectable()
export class ReopenFailedServiceUseCase {
  private readonly logger = new Logger(ReopenFailedServiceUseCase.name);

  async execute(
    ctx: EventContext,
    event: EventEnvelope<ServiceRetryRequestedPayload>,
  ): Promise<'reopened' | 'ignored'> {
    const { tenantId, registrationId, product, isolationMode, retry, resources } = event.payload;
    const status = await lockServiceStatus(ctx.tx, event.payload);
    if (retry <= status.retries || status.state !== 'failed') {
      this.logger.log(
        { registrationId, retry, lastRetry: status.retries, state: status.state },
        'retry ignored: not newer than the last, or the registration is not failed',
      );
      return 'ignored';
    }

    status.stages = Object.fromEntries(
      Object.entries(status.stages).filter(([, record]) => record?.status !== 'failed'),
    );
    status.state = 'provisioning';
    status.retries = retry;
    status.revision += 1;
    await ctx.tx.getRepository(ServiceStatusEntity).save(status);

    const registration = { tenantId, registrationId, product, isolationMode };
    await ctx.publish(ServiceRetryStarted, { ...registration, retry, resources });
    await ctx.publish(ServiceStatusChanged, {
      ...registration,
      state: status.state,
      conditions: conditionsOf(status),
      revision: status.revision,
    });
    return 'reopened';
  }
}
