import type { EventActor } from '@enclave/contracts';
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The operators' bearer token. Only its digest is kept, and headers are compared in constant time
 * (digests have one length, so the token's length leaks nothing either).
 */
export class OperatorToken {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
  }

  /** Whether an Authorization header value is `Bearer <the operator token>`. */
  admits(authorization: string | string[] | undefined): boolean {
    const bearer = bearerOf(authorization);
    return bearer !== null && timingSafeEqual(digest(bearer), this.expected);
  }
}

/** The token of an Authorization header value `Bearer <token>`, or null. */
export function bearerOf(authorization: string | string[] | undefined): string | null {
  const match = typeof authorization === 'string' ? /^Bearer (.+)$/.exec(authorization) : null;
  return match ? match[1] : null;
}

/** What a caller without the operator token is told (401). */
export const OPERATOR_TOKEN_REQUIRED = 'a valid operator bearer token is required';

/**
 * The actor recorded for a call made with the configured token (ADMIN_API_TOKEN): the bootstrap,
 * break-glass operator. Day-to-day operators use named tokens, each recorded under its own name.
 */
export const BOOTSTRAP_OPERATOR: EventActor = { kind: 'operator', name: 'bootstrap' };
