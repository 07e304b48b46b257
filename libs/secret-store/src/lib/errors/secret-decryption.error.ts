/**
 * The embedded store could not decrypt a stored version: its key is not configured, or the
 * authentication tag did not verify (wrong key, tampered row, or a ciphertext moved to another row).
 */
export class SecretDecryptionError extends Error {
  constructor(
    readonly path: string,
    readonly version: number,
    readonly keyId: string,
    reason: string,
  ) {
    super(`cannot decrypt secret ${path} version ${version} (key ${keyId}): ${reason}`);
    this.name = 'SecretDecryptionError';
  }
}
