import { CredentialsIssued, ServiceRegisteredPayload } from '@enclave/contracts';
import { runStage } from '@enclave/lifecycle';
import { EventContext } from '@enclave/messaging';
import { Injectable } from '@nestjs/common';
import { IssueCredentialsUseCase } from './issue-credentials.use-case';

type Registration = Pick<
  ServiceRegisteredPayload,
  'tenantId' | 'registrationId' | 'product' | 'isolationMode' | 'resources'
>;

/**
 * The credentials stage of a registration, first run or operator retry alike: vault what is missing,
 * reuse what exists, and announce the references (CredentialsIssued, `rotationId: null`) that set the
 * provisioners going; StageFailed with the cause when it cannot.
 */
@Injectable()
export class CredentialsStageUseCase {
  constructor(private readonly issueCredentials: IssueCredentialsUseCase) {}

  async execute(ctx: EventContext, registration: Registration): Promise<void> {
    const { tenantId, registrationId, product, isolationMode } = registration;
    await runStage(ctx, 'credentials', registration, async () => {
      const credentials = await this.issueCredentials.execute(registration);
      await ctx.publish(CredentialsIssued, {
        tenantId,
        registrationId,
        product,
        isolationMode,
        credentials,
        rotationId: null,
      });
    });
  }
}
