import { CredentialsIssuedPayload } from '@enclave/contracts';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ServiceRegistrationEntity } from './service-registration.entity';

type Credentials = CredentialsIssuedPayload['credentials'];

/**
 * Keeps, per registration, the vault version of each credential its resources accept. Versions only
 * move forward, so a replayed first issue or a late rotation event never hands out an older secret.
 */
@Injectable()
export class RecordAppliedCredentialsUseCase {
  async execute(tx: EntityManager, registrationId: string, incoming: Credentials): Promise<void> {
    const registration = await tx.findOne(ServiceRegistrationEntity, {
      where: { id: registrationId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!registration) return; // Another platform's event, or a registration deleted since.
    const merged: Credentials = { ...registration.credentials };
    let changed = false;
    for (const [resource, ref] of Object.entries(incoming) as [
      keyof Credentials,
      { path: string; version: number },
    ][]) {
      const current = merged[resource];
      if (!current || current.version < ref.version) {
        merged[resource] = ref;
        changed = true;
      }
    }
    if (changed)
      await tx.update(ServiceRegistrationEntity, { id: registrationId }, { credentials: merged });
  }
}
