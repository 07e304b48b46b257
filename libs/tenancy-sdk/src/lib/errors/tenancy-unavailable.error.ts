import { TenancyError } from './tenancy.error';

export type UnavailableReason =
  /** Every pool slot or connection is in use and none became free before the timeout. */
  | 'capacity-exhausted'
  /** The tenant's pool had no free connection before the timeout. */
  | 'checkout-timeout'
  /** The JWKS endpoint could not be reached or returned garbage: the token is not at fault. */
  | 'key-source-unavailable'
  /** The platform's tenant directory could not be reached, refused this product, or answered garbage. */
  | 'directory-unavailable'
  /** After a rotation, the directory kept answering the old credentials past the timeout. */
  | 'directory-stale'
  /** The SDK is shutting down. */
  | 'closing';

/** The request is fine but cannot be served right now: 503, worth retrying. */
export class TenancyUnavailableError extends TenancyError {
  readonly status = 503 as const;

  constructor(
    readonly reason: UnavailableReason,
    message: string,
    tenantId?: string,
  ) {
    super(message, tenantId);
  }
}
