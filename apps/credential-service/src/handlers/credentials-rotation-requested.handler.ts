import { CredentialsIssued, CredentialsRotationRequested, EventOf } from '@enclave/contracts';
import { checkRotationOrdered } from '@enclave/lifecycle';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { SECRET_STORE, SecretStore } from '@enclave/secret-store';
import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RevokedRegistrations } from '../credentials/revoked-registrations';
import { RotateCredentialsUseCase } from '../credentials/rotate-credentials.use-case';

/**
 * Rotates a ready registration's credentials: new vault versions, then CredentialsIssued with
 * the rotation id. The provisioners re-apply them; the aggregator announces CredentialsRotated.
 *
 * Not a stage, so it never publishes StageFailed: that would say provisioning failed (and could
 * flip the registration to Failed) while it keeps serving with the credentials in force. Transient
 * failures are retried; a request that can never succeed (nothing to rotate) is dead-lettered with
 * its cause, for an operator to look at and replay, and so is one the tenant-registry did not order
 * (libs/lifecycle `checkRotationOrdered`).
 */
@Controller()
export class CredentialsRotationRequestedHandler {
  private readonly logger = new Logger(CredentialsRotationRequestedHandler.name);

  constructor(
    private readonly rotateCredentials: RotateCredentialsUseCase,
    private readonly revoked: RevokedRegistrations,
    @Inject(SECRET_STORE) private readonly secrets: SecretStore,
  ) {}

  @HandlesEvent(CredentialsRotationRequested)
  async handle(
    @Payload() event: EventOf<typeof CredentialsRotationRequested>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const { tenantId, registrationId, product, isolationMode, rotationId } = event.payload;
    // A replayed request for an offboarded registration: its secrets stay revoked.
    await this.revoked.lock(ctx.tx, registrationId);
    if (await this.revoked.isRevoked(ctx.tx, registrationId)) {
      this.logger.log({ rotationId, registrationId }, 'registration offboarded: nothing to rotate');
      return;
    }
    // Only a rotation the registry asked for (its order in the vault): a forged request is
    // dead-lettered and writes nothing.
    await checkRotationOrdered(this.secrets, event.payload);
    const result = await this.rotateCredentials.execute(event.payload);
    if (result.kind === 'superseded') {
      this.logger.warn({ rotationId, product }, 'rotation request superseded by a later rotation');
      return;
    }
    await ctx.publish(CredentialsIssued, {
      tenantId,
      registrationId,
      product,
      isolationMode,
      credentials: result.credentials,
      rotationId,
      productVersion: event.payload.productVersion,
    });
  }
}
