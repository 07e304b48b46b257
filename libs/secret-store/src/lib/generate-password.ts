import { randomBytes } from 'node:crypto';

/**
 * A fresh credential: 32 random bytes (256 bits) as base64url, 43 characters of [A-Za-z0-9_-].
 * That alphabet needs no escaping in a URL's userinfo nor inside a SQL `PASSWORD '…'` literal.
 */
export function generatePassword(): string {
  return randomBytes(32).toString('base64url');
}
