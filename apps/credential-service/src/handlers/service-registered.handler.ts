import {
  CredentialsIssued,
  EventEnvelope,
  ServiceRegistered,
  ServiceRegisteredPayload,
} from '@enclave/contracts';
import { runStage } from '@enclave/lifecycle';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { IssueCredentialsUseCase } from '../credentials/issue-credentials.use-case';

@Controller()
export class ServiceRegisteredHandler {
  constructor(private readonly issueCredentials: IssueCredentialsUseCase) {}

  @HandlesEvent(ServiceRegistered)
  async handle(
    @Payload() event: EventEnvelope<ServiceRegisteredPayload>,
    @Ctx() ctx: EventContext,
  ) {
    const { tenantId, registrationId, product, isolationMode } = event.payload;
    await runStage(ctx, 'credentials', event.payload, async () => {
      const credentials = await this.issueCredentials.execute(event.payload);
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
