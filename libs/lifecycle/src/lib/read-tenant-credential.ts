import { RegistrationRef, ResourceKind, SecretRef, tenantResourceNames } from '@enclave/contracts';
import { SecretNotFoundError, SecretStore } from '@enclave/secret-store';
import { PermanentStageError } from './permanent.error';

export interface TenantCredential {
  readonly username: string;
  readonly password: string;
}

/**
 * Reads the credential a stage was pointed at, after checking the reference is this registration's
 * own path: an event naming another tenant's secret must never hand that secret to this tenant.
 */
export async function readTenantCredential(
  secrets: SecretStore,
  registration: RegistrationRef,
  resource: ResourceKind,
  ref: SecretRef,
): Promise<TenantCredential> {
  const names = tenantResourceNames(
    registration.tenantId,
    registration.product,
    registration.isolationMode,
  );
  const expected = names.secretPath(resource);
  if (ref.path !== expected) {
    throw new PermanentStageError(
      `${resource} credentials reference ${ref.path}, expected ${expected}`,
    );
  }
  const { data } = await secrets.get(ref.path, ref.version).catch((error: unknown) => {
    // The credential-service vaults a secret before it names it, so a missing one was revoked (the
    // registration was offboarded): waiting will not bring it back.
    if (error instanceof SecretNotFoundError) throw new PermanentStageError(error.message);
    throw error;
  });
  const { username, password } = data;
  if (typeof username !== 'string' || typeof password !== 'string' || password === '') {
    throw new PermanentStageError(
      `secret ${ref.path} v${ref.version} has no username and password`,
    );
  }
  return { username, password };
}
