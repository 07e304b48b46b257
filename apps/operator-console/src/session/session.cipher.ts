import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

interface SealedSession {
  /** The operator token the platform's API checks on every call. */
  token: string;
  /** When the session ends (epoch ms). */
  expiresAt: number;
}

/**
 * Seals the operator's token into the session cookie and opens it again: AES-256-GCM, so the cookie
 * is unreadable in the browser and any change to it is refused. The console keeps no session store.
 */
export class SessionCipher {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHash('sha256').update(secret).digest();
  }

  seal(session: SealedSession): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(session), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The token of a sealed session still in force; null for anything else. */
  open(sealed: string | undefined, now = Date.now()): string | null {
    if (!sealed) return null;
    try {
      const raw = Buffer.from(sealed, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
      const session = JSON.parse(text.toString('utf8')) as SealedSession;
      return typeof session.token === 'string' && session.expiresAt > now ? session.token : null;
    } catch {
      return null;
    }
  }
}
