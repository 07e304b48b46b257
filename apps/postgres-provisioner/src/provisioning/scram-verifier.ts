import { createHash, createHmac, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802/7677, the format of
 * `pg_authid.rolpassword`). Sending it instead of the password keeps the plaintext out of the
 * statement, so `log_statement`, pg_stat_statements and server error logs never see it.
 *
 * Only printable ASCII is accepted: for it SASLprep is the identity, so the verifier is exactly what
 * the server would compute (the platform's passwords are base64url).
 */
export async function scramSha256Verifier(
  password: string,
  salt: Buffer = randomBytes(16),
  iterations = 4096,
): Promise<string> {
  if (!/^[\x20-\x7e]{1,1000}$/.test(password)) {
    throw new Error('password must be 1-1000 printable ASCII characters');
  }
  const salted = await pbkdf2Async(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
