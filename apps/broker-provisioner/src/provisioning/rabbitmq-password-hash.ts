import { createHash, timingSafeEqual } from 'node:crypto';

const DIGESTS: Readonly<Record<string, string>> = {
  rabbit_password_hashing_sha256: 'sha256',
  rabbit_password_hashing_sha512: 'sha512',
};

/**
 * Whether a RabbitMQ internal-user hash (base64 of a 4-byte salt followed by digest(salt ‖ password))
 * is of `password`. Lets a re-run skip rewriting an unchanged password, so repeating a provision
 * changes nothing at all. Unknown algorithms answer false: the caller then simply sets the password.
 */
export function rabbitPasswordMatches(
  passwordHash: string,
  algorithm: string,
  password: string,
): boolean {
  const digest = DIGESTS[algorithm];
  if (!digest || !passwordHash) return false;
  const stored = Buffer.from(passwordHash, 'base64');
  if (stored.length <= 4) return false;
  const salt = stored.subarray(0, 4);
  const computed = createHash(digest).update(salt).update(password, 'utf8').digest();
  const expected = stored.subarray(4);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
