import { CredentialsIssued, RegistrationRef, ServiceRegisteredPayload } from '@enclave/contracts';
import { runStage } from '@enclave/lifecycle';
import { EventContext } from '@enclave/messaging';
import { Injectable, Logger } from '@nestjs/common';
import { IssueCredentialsUseCase } from './issue-credentials.use-case';
import { RevokedRegistrations } from './revoked-registrations';

type Registration = RegistrationRef &
  Pick<ServiceRegisteredPayload, 'resources'> & {
    readonly productVersion: string | null;
  };

/**
 * The credentials stage of a registration, first run or operator retry alike: vault what is missing,
 * reuse what exists, and announce the references (CredentialsIssued, `rotationId: null`) that set the
 * provisioners going; StageFailed with the cause when it cannot. Nothing at all for a registration
 * offboarded since (a replay): its secrets stay revoked, so nothing of it is rebuilt.
 */
@Injectable()
export class CredentialsStageUseCase {
  private readonly logger = new Logger(CredentialsStageUseCase.name);

  constructor(
    private readonly issueCredentials: IssueCredentialsUseCase,
    private readonly revoked: RevokedRegistrations,
  ) {}

  async execute(ctx: EventContext, registration: Registration): Promise<void> {
    const { tenantId, registrationId, product, isolationMode } = registration;
    await this.revoked.lock(ctx.tx, registrationId);
    if (await this.revoked.isRevoked(ctx.tx, registrationId)) {
      this.logger.log({ registrationId }, 'registration offboarded: no credentials issued');
      return;
    }
    await runStage(ctx, 'credentials', registration, async () => {
      const credentials = await this.issueCredentials.execute(registration);
      await ctx.publish(CredentialsIssued, {
        tenantId,
        registrationId,
        product,
        isolationMode,
        credentials,
        rotationId: null,
        productVersion: registration.productVersion,
      });
    });
  }
}
