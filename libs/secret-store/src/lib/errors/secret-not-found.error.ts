/**
 * No readable secret at `path` (or at that version). A revoked secret reads the same way: Vault's
 * metadata delete leaves nothing to tell revoked from absent, and callers must not care either.
 */
export class SecretNotFoundError extends Error {
  constructor(
    readonly path: string,
    readonly version?: number,
  ) {
    super(
      `no secret at ${path}${version === undefined ? '' : ` version ${version}`} (absent or revoked)`,
    );
    this.name = 'SecretNotFoundError';
  }
}
