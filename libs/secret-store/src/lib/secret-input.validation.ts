import { InvalidSecretRefError } from './errors/invalid-secret-ref.error';
import { SecretData } from './secret-store';

// Lowercase, URL- and SQL-safe segments; the same rule for every backend so a path valid in the
// embedded store is valid in Vault and the other way round.
const PATH_PATTERN = /^[a-z0-9][a-z0-9/_-]{0,250}$/;

/**
 * Checks what a caller hands a SecretStore before any I/O: paths like `tenants/<id>/<product>/db`,
 * versions as positive integers, data as a flat object of strings.
 */
export const secretInput = {
  path(path: string): void {
    if (typeof path !== 'string' || !PATH_PATTERN.test(path)) {
      throw new InvalidSecretRefError(
        `invalid secret path ${JSON.stringify(path)}: must match ${PATH_PATTERN.source}`,
      );
    }
    // The pattern has no dots; this stays explicit should the alphabet ever widen.
    if (path.includes('..')) {
      throw new InvalidSecretRefError(`invalid secret path ${JSON.stringify(path)}: no '..'`);
    }
    if (path.endsWith('/') || path.includes('//')) {
      throw new InvalidSecretRefError(
        `invalid secret path ${JSON.stringify(path)}: no trailing slash and no empty segment`,
      );
    }
  },

  version(version: number | undefined): void {
    if (version !== undefined && !(Number.isSafeInteger(version) && version > 0)) {
      throw new InvalidSecretRefError(
        `invalid secret version ${String(version)}: must be a positive integer`,
      );
    }
  },

  /** Everything a write takes: path, data and, for a check-and-set, 0 (none yet) or a version. */
  write(path: string, data: SecretData, expectedVersion?: number): void {
    secretInput.path(path);
    secretInput.data(data);
    if (
      expectedVersion !== undefined &&
      !(Number.isSafeInteger(expectedVersion) && expectedVersion >= 0)
    ) {
      throw new InvalidSecretRefError(
        `invalid expected version ${String(expectedVersion)}: must be 0 or a positive integer`,
      );
    }
  },

  data(data: SecretData): void {
    const valid =
      typeof data === 'object' &&
      data !== null &&
      !Array.isArray(data) &&
      Object.values(data).every((value) => typeof value === 'string');
    // Never echo the data: it is the secret.
    if (!valid) throw new TypeError('secret data must be an object whose values are strings');
  },
};
