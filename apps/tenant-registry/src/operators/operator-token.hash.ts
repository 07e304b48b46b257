import { createHash, randomBytes } from 'node:crypto';

/** Named operator tokens start with this, so a leaked one is recognisable (secret scanners). */
export const OPERATOR_TOKEN_PREFIX = 'enop_';

/** A new token: 256 random bits. */
export const newOperatorToken = (): string =>
  `${OPERATOR_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;

/** What is stored and looked up: a fast hash is enough for a token with 256 bits of entropy. */
export const operatorTokenHash = (token: string): Buffer =>
  createHash('sha256').update(token).digest();
