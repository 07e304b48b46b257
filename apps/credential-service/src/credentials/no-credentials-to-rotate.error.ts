/**
 * A rotation was asked for a registration that has no credential in the vault (never issued, or
 * revoked): there is nothing to rotate and retrying cannot change that. `retryable: false` makes the
 * consumer dead-letter the request at once, with this message as the cause.
 */
export class NoCredentialsToRotateError extends Error {
  readonly retryable = false;

  constructor(tenantId: string, product: string, rotationId: string) {
    super(
      `rotation ${rotationId}: ${product} of tenant ${tenantId} has no credentials in the vault to rotate`,
    );
    this.name = 'NoCredentialsToRotateError';
  }
}
