import { ServiceDeprovisionRequestedPayload, tenantResourceNames } from '@enclave/contracts';
import { releaseStage } from '@enclave/lifecycle';
import { EventContext } from '@enclave/messaging';
import { SECRET_STORE, SecretStore } from '@enclave/secret-store';
import { Inject, Injectable } from '@nestjs/common';
import { RevokedRegistrations } from './revoked-registrations';

/**
 * Offboarding, credentials part: every version of each of the registration's secrets is destroyed,
 * and the registration is remembered as revoked so that a replayed ServiceRegistered or retry never
 * vaults new ones. The provisioners drop the logins themselves; without the secrets, a replayed
 * CredentialsIssued cannot rebuild them either (the read fails before anything is made).
 */
@Injectable()
export class RevokeCredentialsUseCase {
  constructor(
    @Inject(SECRET_STORE) private readonly secrets: SecretStore,
    private readonly revoked: RevokedRegistrations,
  ) {}

  async execute(
    ctx: EventContext,
    registration: ServiceDeprovisionRequestedPayload,
  ): Promise<void> {
    await releaseStage(ctx, 'credentials', registration, this.secrets, async () => {
      await this.revoked.lock(ctx.tx, registration.registrationId);
      await this.revoked.record(ctx.tx, registration);
      const names = tenantResourceNames(
        registration.tenantId,
        registration.product,
        registration.isolationMode,
      );
      await Promise.all(
        registration.resources.map((resource) => this.secrets.revoke(names.secretPath(resource))),
      );
    });
  }
}
