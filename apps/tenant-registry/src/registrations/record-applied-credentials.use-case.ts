import { CredentialsIssuedPayload, RegistrationRef, ResourceKind } from '@enclave/contracts';
import { checkIssuedCredential } from '@enclave/lifecycle';
import { RefusedEventError } from '@enclave/messaging';
import { SECRET_STORE, SecretStore } from '@enclave/secret-store';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ServiceRegistrationEntity } from './service-registration.entity';

type Credentials = CredentialsIssuedPayload['credentials'];

/** What CredentialsIssued (a first issue) and CredentialsRotated say the resources now accept. */
export interface AppliedCredentials extends RegistrationRef {
  readonly credentials: Credentials;
  /** The rotation they complete; null for a first issue (or a retry's re-issue). */
  readonly rotationId: string | null;
}

/**
 * Keeps, per registration, the vault version of each credential its resources accept: what the
 * product API hands out. Versions only move forward, so a replayed first issue or a late rotation
 * event never hands out an older secret.
 *
 * The registry trusts no reference it is handed (the product API would give that secret to the
 * product): the event must name this registration as the registry has it, each path must be the
 * one derived for it, the version the one the credential-service vaulted last (tagged with the
 * rotation, for a rotation), and a rotation must be the one the registry asked for. Otherwise the
 * event is refused (dead-lettered with the cause) and nothing is recorded.
 */
@Injectable()
export class RecordAppliedCredentialsUseCase {
  constructor(@Inject(SECRET_STORE) private readonly secrets: SecretStore) {}

  async execute(tx: EntityManager, applied: AppliedCredentials): Promise<void> {
    const registration = await tx.findOne(ServiceRegistrationEntity, {
      where: { id: applied.registrationId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!registration) return; // Another platform's event, or a registration deleted since.
    const owned: RegistrationRef = {
      tenantId: registration.tenantId,
      registrationId: registration.id,
      product: registration.product,
      isolationMode: registration.isolationMode,
    };
    const what = `credentials for registration ${registration.id}`;
    for (const field of ['tenantId', 'product', 'isolationMode'] as const) {
      if (applied[field] !== owned[field]) {
        throw new RefusedEventError(
          `${what} refused: ${field} ${applied[field]} is not the registration's (${owned[field]})`,
        );
      }
    }
    if (applied.rotationId !== null && registration.rotation?.rotationId !== applied.rotationId) {
      throw new RefusedEventError(
        `${what} refused: rotation ${applied.rotationId} was not requested (last requested: ${registration.rotation?.rotationId ?? 'none'})`,
      );
    }
    const merged: Credentials = { ...registration.credentials };
    let changed = false;
    for (const [resource, ref] of Object.entries(applied.credentials) as [
      ResourceKind,
      { path: string; version: number },
    ][]) {
      if (!registration.resources.includes(resource)) {
        throw new RefusedEventError(`${what} refused: the registration has no ${resource}`);
      }
      // Same rules as the stages applying them: derived path, latest vaulted version.
      const check = await checkIssuedCredential(
        this.secrets,
        owned,
        resource,
        ref,
        applied.rotationId,
      );
      const current = merged[resource];
      if (check === 'current' && (!current || current.version < ref.version)) {
        merged[resource] = ref;
        changed = true;
      }
    }
    if (changed)
      await tx.update(ServiceRegistrationEntity, { id: registration.id }, { credentials: merged });
  }
}
