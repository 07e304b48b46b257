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
    const match = typeof authorization === 'string' ? /^Bearer (.+)$/.exec(authorization) : null;
    return match !== null && timingSafeEqual(digest(match[1]), this.expected);
  }
}

/** What a caller without the operator token is told (401). */
export const OPERATOR_TOKEN_REQUIRED = 'a valid operator bearer token is required';

/** The actor recorded for a call made with the shared operator token. */
export const OPERATOR_ACTOR: EventActor = { kind: 'operator', name: 'operator' };
