import { TenancyError } from './tenancy.error';

export type UnauthorizedReason =
  | 'missing'
  | 'malformed'
  | 'bad-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'alg-not-allowed'
  | 'missing-tenant-claim'
  | 'invalid-tenant-claim';

/** The request carries no token, or one that does not verify: 401. */
export class UnauthorizedTenantError extends TenancyError {
  readonly status = 401 as const;

  constructor(
    readonly reason: UnauthorizedReason,
    message: string,
  ) {
    super(message);
  }
}
