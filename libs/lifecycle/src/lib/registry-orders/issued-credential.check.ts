import { RegistrationRef, ResourceKind, SecretRef, tenantResourceNames } from '@enclave/contracts';
import { RefusedEventError } from '@enclave/messaging';
import { SecretStore } from '@enclave/secret-store';

/** `current`: the credential in force, to apply; `stale`: a newer one is in force, nothing to do. */
export type IssuedCredentialCheck = 'current' | 'stale';

/**
 * Checks a credential reference a CredentialsIssued hands a stage against the vault, where the
 * credential-service keeps them: the path must be the registration's derived one, the version the
 * latest it wrote, and a rotation's version must carry that rotation's id (the credential-service
 * tags what it writes for a rotation). A forged event can then neither point a stage at another
 * tenant's secret nor set an older (perhaps leaked) password back: it is refused (dead-lettered).
 * An older genuine event (a replay, or a rotation a newer one overtook) is `stale`. With no secret
 * at all (revoked at offboarding) it is left to reading the credential to fail as before.
 */
export async function checkIssuedCredential(
  secrets: SecretStore,
  registration: RegistrationRef,
  resource: ResourceKind,
  ref: SecretRef,
  rotationId: string | null,
): Promise<IssuedCredentialCheck> {
  const { tenantId, product, isolationMode } = registration;
  const expected = tenantResourceNames(tenantId, product, isolationMode).secretPath(resource);
  if (ref.path !== expected) {
    throw new RefusedEventError(
      `${resource} credentials reference ${ref.path}, expected ${expected}`,
    );
  }
  const latest = await secrets.find(ref.path);
  if (!latest) return 'current';
  if (ref.version > latest.ref.version) {
    throw new RefusedEventError(
      `${resource} credentials reference ${ref.path} v${ref.version}, which the vault does not hold (latest v${latest.ref.version})`,
    );
  }
  if (ref.version < latest.ref.version) return 'stale';
  if (rotationId !== null && latest.data.rotationId !== rotationId) {
    throw new RefusedEventError(
      `${resource} credentials ${ref.path} v${ref.version} were not written for rotation ${rotationId}`,
    );
  }
  return 'current';
}
