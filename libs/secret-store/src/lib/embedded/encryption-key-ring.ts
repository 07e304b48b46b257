import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface SealedBox {
  readonly keyId: string;
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  readonly authTag: Buffer;
}

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12; // the GCM-native nonce size; random per version, so never reused under one key
const TAG_BYTES = 16;
const BASE64 = /^(?:[A-Za-z0-9+/]+|[A-Za-z0-9_-]+)={0,2}$/;

/**
 * The embedded store's AES-256-GCM keys: one active key that seals every new version, plus older
 * keys that still open what they sealed. Keys come from configuration only and are kept in a
 * private field so that logging or serialising the ring never prints them.
 */
export class EncryptionKeyRing {
  readonly #keys: ReadonlyMap<string, Buffer>;

  private constructor(
    readonly activeKeyId: string,
    keys: ReadonlyMap<string, Buffer>,
  ) {
    this.#keys = keys;
  }

  /**
   * `activeKey`: base64 of 32 bytes (SECRETS_ENCRYPTION_KEY). `oldKeys`: comma-separated
   * `id:base64` or `base64` entries (SECRETS_ENCRYPTION_OLD_KEYS); a given id must match the key.
   * Errors name the variable and never echo key material.
   */
  static fromConfig(activeKey: string, oldKeys?: string): EncryptionKeyRing {
    const active = EncryptionKeyRing.parseKey(activeKey);
    const keys = new Map<string, Buffer>([[EncryptionKeyRing.idOf(active), active]]);
    for (const key of EncryptionKeyRing.parseOldKeys(oldKeys ?? '')) {
      keys.set(EncryptionKeyRing.idOf(key), key);
    }
    return new EncryptionKeyRing(EncryptionKeyRing.idOf(active), keys);
  }

  /** The key id stored beside each version: the first 8 hex characters of the key's sha256. */
  static idOf(key: Buffer): string {
    return createHash('sha256').update(key).digest('hex').slice(0, 8);
  }

  /** `label` prefixes error messages (the variable name); an empty label leaves just the rule. */
  static parseKey(base64: string, label = 'SECRETS_ENCRYPTION_KEY'): Buffer {
    const text = base64.trim();
    const key = BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
    if (!key || key.length !== KEY_BYTES) {
      throw new Error(
        `${label} must be base64 of exactly ${KEY_BYTES} random bytes (e.g. \`openssl rand -base64 32\`)`.trim(),
      );
    }
    return key;
  }

  static parseOldKeys(list: string, label = 'SECRETS_ENCRYPTION_OLD_KEYS'): Buffer[] {
    return list
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean)
      .map((entry, index) => {
        const where = `${label} entry ${index + 1}`.trim();
        // base64 has no ':', so a colon always separates an id from its key.
        const colon = entry.indexOf(':');
        const key = EncryptionKeyRing.parseKey(colon < 0 ? entry : entry.slice(colon + 1), where);
        const id = colon < 0 ? undefined : entry.slice(0, colon).trim();
        if (id !== undefined && id !== EncryptionKeyRing.idOf(key)) {
          // The id is derived from the key, so a mismatch is a pasting mistake, not a naming choice.
          throw new Error(
            `${where}: id ${JSON.stringify(id)} is not the id of its key (${EncryptionKeyRing.idOf(key)})`,
          );
        }
        return key;
      });
  }

  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  has(keyId: string): boolean {
    return this.#keys.has(keyId);
  }

  /** Encrypts under the active key with a fresh random IV; `aad` is authenticated, not stored. */
  seal(plaintext: Buffer, aad: Buffer): SealedBox {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key(this.activeKeyId), iv, {
      authTagLength: TAG_BYTES,
    });
    cipher.setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { keyId: this.activeKeyId, iv, ciphertext, authTag: cipher.getAuthTag() };
  }

  /** Decrypts and verifies; throws when the key is unknown or authentication fails. */
  open(box: SealedBox, aad: Buffer): Buffer {
    if (box.iv.length !== IV_BYTES || box.authTag.length !== TAG_BYTES) {
      throw new Error('malformed IV or authentication tag');
    }
    const decipher = createDecipheriv(ALGORITHM, this.key(box.keyId), box.iv, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(aad);
    decipher.setAuthTag(box.authTag);
    return Buffer.concat([decipher.update(box.ciphertext), decipher.final()]);
  }

  private key(keyId: string): Buffer {
    const key = this.#keys.get(keyId);
    if (!key) throw new Error(`key ${keyId} is not configured`);
    return key;
  }
}
