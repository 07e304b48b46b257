import { tenantIdSchema } from '@enclave/contracts';
import {
  JWTPayload,
  JWTVerifyGetKey,
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
} from 'jose';
import { TenancyUnavailableError } from '../errors/tenancy-unavailable.error';
import { UnauthorizedTenantError } from '../errors/unauthorized-tenant.error';

export interface TenantTokenVerifierOptions {
  /** Accepted `iss` values; required. */
  readonly issuer: string | readonly string[];
  /** Accepted `aud` values (the product); required. */
  readonly audience: string | readonly string[];
  /** Shared secret for HS256/384/512 tokens: at least 32 bytes. */
  readonly secret?: string | Uint8Array;
  /** JWKS endpoint for RS*, PS*, ES* and EdDSA tokens; keys are fetched once and cached. */
  readonly jwksUrl?: string | URL;
  /**
   * The allow-list. Default: HS256 with a secret; RS256 and ES256 with a JWKS URL. `none` is never
   * accepted, HS* only with a secret, the others only with a JWKS URL.
   */
  readonly algorithms?: readonly string[];
  /** Seconds of clock skew tolerated on exp and nbf. Default 5, at most 300. */
  readonly clockToleranceSec?: number;
  /** Name of the claim holding the tenant id. Default `tenantId`. */
  readonly tenantClaim?: string;
  /** How long fetched JWKS keys are trusted before a refetch, ms. Default 10 minutes. */
  readonly jwksCacheMaxAgeMs?: number;
  /** Minimum interval between refetches triggered by an unknown `kid`, ms. Default 30 s. */
  readonly jwksCooldownMs?: number;
  /** JWKS fetch timeout, ms. Default 5 s. */
  readonly jwksTimeoutMs?: number;
  /**
   * How many verified tokens to remember (until they expire), so a client reusing its token skips
   * the signature check. Default 10,000; 0 disables.
   */
  readonly verifiedCacheSize?: number;
}

export interface VerifiedTenantToken {
  readonly tenantId: string;
  readonly claims: Readonly<JWTPayload>;
}

const SYMMETRIC = new Set(['HS256', 'HS384', 'HS512']);
const ASYMMETRIC = new Set([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
]);
/** Anything longer is not a token we issue; refusing early bounds the work an attacker can cause. */
const MAX_TOKEN_LENGTH = 8_192;
const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Turns a bearer token into a tenant id, or refuses with an UnauthorizedTenantError naming why.
 *
 * Each algorithm family has exactly one key source (HS* the shared secret, the rest the JWKS), so a
 * public key can never be replayed as an HMAC secret. Errors never quote the token, and jose's own
 * errors (which carry the decoded claims) are not chained as causes, so logging ours is safe.
 */
export class TenantTokenVerifier {
  private readonly symmetric: ReadonlySet<string>;
  private readonly asymmetric: ReadonlySet<string>;
  private readonly secret?: Uint8Array;
  private readonly jwks?: JWTVerifyGetKey;
  private readonly issuer: string[];
  private readonly audience: string[];
  private readonly clockTolerance: number;
  private readonly tenantClaim: string;
  /** Token → its verified result and expiry (s). Insertion order is the eviction order. */
  private readonly verified = new Map<string, { result: VerifiedTenantToken; exp: number }>();
  private readonly verifiedCacheSize: number;

  constructor(options: TenantTokenVerifierOptions) {
    this.issuer = nonEmptyList(options.issuer, 'issuer');
    this.audience = nonEmptyList(options.audience, 'audience');
    if (options.secret === undefined && options.jwksUrl === undefined) {
      throw new Error('TenantTokenVerifier needs a secret (HS*) or a jwksUrl (RS*/ES*)');
    }
    if (options.secret !== undefined) {
      const secret =
        typeof options.secret === 'string'
          ? new TextEncoder().encode(options.secret)
          : options.secret;
      // RFC 7518 §3.2: an HMAC key must be at least as long as the hash output.
      if (secret.byteLength < 32) throw new Error('the token secret must be at least 32 bytes');
      this.secret = secret;
    }
    if (options.jwksUrl !== undefined) {
      this.jwks = createRemoteJWKSet(new URL(options.jwksUrl), {
        cacheMaxAge: options.jwksCacheMaxAgeMs ?? 600_000,
        cooldownDuration: options.jwksCooldownMs ?? 30_000,
        timeoutDuration: options.jwksTimeoutMs ?? 5_000,
      });
    }

    const algorithms = options.algorithms ?? [
      ...(this.secret ? ['HS256'] : []),
      ...(this.jwks ? ['RS256', 'ES256'] : []),
    ];
    const symmetric = new Set<string>();
    const asymmetric = new Set<string>();
    for (const alg of algorithms) {
      if (SYMMETRIC.has(alg) && this.secret) symmetric.add(alg);
      else if (ASYMMETRIC.has(alg) && this.jwks) asymmetric.add(alg);
      else
        throw new Error(
          `algorithm ${JSON.stringify(alg)} is not allowed here: HS* need a secret, RS*/PS*/ES*/EdDSA a jwksUrl, and "none" is never accepted`,
        );
    }
    if (symmetric.size + asymmetric.size === 0)
      throw new Error('the algorithm allow-list is empty');
    this.symmetric = symmetric;
    this.asymmetric = asymmetric;

    const tolerance = options.clockToleranceSec ?? 5;
    if (!(tolerance >= 0 && tolerance <= 300)) throw new Error('clockToleranceSec must be 0..300');
    this.clockTolerance = tolerance;
    this.tenantClaim = options.tenantClaim ?? 'tenantId';
    this.verifiedCacheSize = options.verifiedCacheSize ?? 10_000;
  }

  /** Forgets every remembered verification (say, after withdrawing a compromised key). */
  forgetVerified(): void {
    this.verified.clear();
  }

  /** Verifies the value of an `Authorization` header (`Bearer <jwt>`). */
  verifyAuthorization(header: string | string[] | undefined): Promise<VerifiedTenantToken> {
    if (header === undefined || header === '') {
      return Promise.reject(new UnauthorizedTenantError('missing', 'no bearer token'));
    }
    if (typeof header !== 'string' || header.length < 8 || !/^bearer /i.test(header)) {
      return Promise.reject(
        new UnauthorizedTenantError(
          'malformed',
          'the Authorization header is not "Bearer <token>"',
        ),
      );
    }
    return this.verify(header.slice(7).trim());
  }

  /** Verifies a compact JWS and returns its tenant; rejects with UnauthorizedTenantError. */
  async verify(token: string): Promise<VerifiedTenantToken> {
    if (!token) throw new UnauthorizedTenantError('missing', 'no bearer token');
    const known = this.verified.get(token);
    if (known !== undefined) {
      // The exact same bytes passed every check before; only time can have changed the verdict.
      if (known.exp > Date.now() / 1000 - this.clockTolerance) return known.result;
      this.verified.delete(token);
    }
    if (token.length > MAX_TOKEN_LENGTH || !JWS_COMPACT.test(token)) {
      throw new UnauthorizedTenantError('malformed', 'the token is not a compact JWS');
    }
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new UnauthorizedTenantError('malformed', 'the token header does not decode');
    }
    // Decided before any key is looked at: `none`, an unknown alg or the wrong family stop here.
    const useSecret = typeof alg === 'string' && this.symmetric.has(alg);
    if (!useSecret && !(typeof alg === 'string' && this.asymmetric.has(alg))) {
      throw new UnauthorizedTenantError(
        'alg-not-allowed',
        `algorithm ${JSON.stringify(String(alg).slice(0, 16))} is not accepted`,
      );
    }

    let claims: JWTPayload;
    try {
      const options = {
        algorithms: [alg as string],
        issuer: this.issuer,
        audience: this.audience,
        clockTolerance: this.clockTolerance,
        requiredClaims: ['exp'],
      };
      const result = useSecret
        ? await jwtVerify(token, this.secret as Uint8Array, options)
        : await jwtVerify(token, this.jwks as JWTVerifyGetKey, options);
      claims = result.payload;
    } catch (error) {
      throw translate(error);
    }

    const tenantId = claims[this.tenantClaim];
    if (tenantId === undefined || tenantId === null || tenantId === '') {
      throw new UnauthorizedTenantError(
        'missing-tenant-claim',
        `the token has no ${this.tenantClaim} claim`,
      );
    }
    if (typeof tenantId !== 'string' || !tenantIdSchema.safeParse(tenantId).success) {
      throw new UnauthorizedTenantError(
        'invalid-tenant-claim',
        `the ${this.tenantClaim} claim is not a valid tenant id`,
      );
    }
    const result = { tenantId, claims };
    if (this.verifiedCacheSize > 0) {
      if (this.verified.size >= this.verifiedCacheSize) {
        this.verified.delete(this.verified.keys().next().value as string);
      }
      this.verified.set(token, { result, exp: claims.exp as number });
    }
    return result;
  }
}

function nonEmptyList(value: string | readonly string[], name: string): string[] {
  const list = typeof value === 'string' ? [value] : [...value];
  if (list.length === 0 || list.some((v) => typeof v !== 'string' || v === '')) {
    throw new Error(`TenantTokenVerifier needs a non-empty ${name}`);
  }
  return list;
}

/** jose's errors, reduced to our reason codes (without their payload-carrying causes). */
function translate(error: unknown): Error {
  if (error instanceof errors.JWTExpired) {
    return new UnauthorizedTenantError('expired', 'the token has expired');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'nbf':
        return error.reason === 'check_failed'
          ? new UnauthorizedTenantError('not-yet-valid', 'the token is not valid yet')
          : new UnauthorizedTenantError('malformed', 'the nbf claim is not a number');
      case 'iss':
        return new UnauthorizedTenantError('wrong-issuer', 'the token was issued by someone else');
      case 'aud':
        return new UnauthorizedTenantError(
          'wrong-audience',
          'the token is meant for another audience',
        );
      default:
        return new UnauthorizedTenantError(
          'malformed',
          `the ${String(error.claim).slice(0, 32)} claim is ${error.reason === 'missing' ? 'missing' : 'invalid'}`,
        );
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new UnauthorizedTenantError('bad-signature', 'the token signature does not verify');
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new UnauthorizedTenantError('bad-signature', 'no published key matches the token');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new UnauthorizedTenantError('alg-not-allowed', 'the token algorithm is not accepted');
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return new TenancyUnavailableError(
      'key-source-unavailable',
      'the JWKS endpoint did not answer usable keys',
    );
  }
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported ||
    error instanceof errors.JWKInvalid
  ) {
    return new UnauthorizedTenantError('malformed', 'the token is malformed');
  }
  if (error instanceof errors.JOSEError && error.code !== 'ERR_JOSE_GENERIC') {
    return new UnauthorizedTenantError('malformed', 'the token does not verify');
  }
  // Not a verdict on the token: the JWKS fetch failed (refused, non-200, not JSON; jose raises the
  // generic JOSEError only there).
  return new TenancyUnavailableError(
    'key-source-unavailable',
    'the JWKS endpoint could not be reached',
  );
}
