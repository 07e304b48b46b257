/** The HTTP statuses the SDK's errors map to. */
export type TenancyErrorStatus = 401 | 403 | 404 | 503;

/**
 * Base of every error the SDK raises about a request's tenant. Each carries the HTTP status it maps
 * to and a stable, machine-readable reason; messages never quote a token or a credential, so they
 * are safe to log and to return.
 */
export abstract class TenancyError extends Error {
  abstract readonly status: TenancyErrorStatus;
  abstract readonly reason: string;

  protected constructor(
    message: string,
    /** The tenant concerned, when known (never for a token that failed verification). */
    readonly tenantId?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
