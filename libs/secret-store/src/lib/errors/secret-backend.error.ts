/**
 * The backend failed for a reason other than a missing secret (unreachable, sealed, denied…).
 * Built from the message and status alone: the HTTP client's own error carries the request,
 * with its token header and the secret body, and must not reach a log.
 */
export class SecretBackendError extends Error {
  constructor(
    readonly operation: string,
    readonly path: string,
    readonly statusCode: number | undefined,
    reason: string,
  ) {
    super(
      `secret store ${operation} ${path} failed${statusCode ? ` (HTTP ${statusCode})` : ''}: ${reason}`,
    );
    this.name = 'SecretBackendError';
  }
}
