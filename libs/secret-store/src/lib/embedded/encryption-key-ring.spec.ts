import { createHash, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { EncryptionKeyRing } from './encryption-key-ring';

const newKey = () => randomBytes(32);
const idOf = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);
const aad = Buffer.from('tenants/a/db\n1');

describe('EncryptionKeyRing', () => {
  it('derives the key id from the key: first 8 hex chars of its sha256', () => {
    const key = newKey();
    const ring = EncryptionKeyRing.fromConfig(key.toString('base64'));
    expect(ring.activeKeyId).toBe(idOf(key));
    expect(ring.activeKeyId).toMatch(/^[0-9a-f]{8}$/);
    expect(ring.keyIds).toEqual([idOf(key)]);
  });

  it('parses old keys given as id:base64 or bare base64, with spaces and empty entries', () => {
    const [active, old1, old2] = [newKey(), newKey(), newKey()];
    const ring = EncryptionKeyRing.fromConfig(
      active.toString('base64'),
      ` ${idOf(old1)}:${old1.toString('base64')} , ,${old2.toString('base64url')}`,
    );
    expect(ring.activeKeyId).toBe(idOf(active));
    expect(ring.keyIds.sort()).toEqual([idOf(active), idOf(old1), idOf(old2)].sort());
  });

  it.each([
    ['not base64', 'this is not a key!'],
    ['16 bytes', randomBytes(16).toString('base64')],
    ['33 bytes', randomBytes(33).toString('base64')],
    ['hex', randomBytes(32).toString('hex')],
  ])('rejects an active key that is %s, without echoing it', (_why, value) => {
    expect(() => EncryptionKeyRing.fromConfig(value)).toThrow(
      /SECRETS_ENCRYPTION_KEY must be base64 of exactly 32/,
    );
    try {
      EncryptionKeyRing.fromConfig(value);
    } catch (error) {
      expect((error as Error).message).not.toContain(value);
    }
  });

  it('rejects an old key whose id does not match it, or that is malformed', () => {
    const [active, old] = [newKey(), newKey()];
    expect(() =>
      EncryptionKeyRing.fromConfig(active.toString('base64'), `deadbeef:${old.toString('base64')}`),
    ).toThrow(/SECRETS_ENCRYPTION_OLD_KEYS entry 1: id "deadbeef" is not the id of its key/);
    expect(() =>
      EncryptionKeyRing.fromConfig(active.toString('base64'), `${old.toString('base64')},abc`),
    ).toThrow(/SECRETS_ENCRYPTION_OLD_KEYS entry 2 must be base64/);
  });

  it('seals with a fresh 12-byte IV under the active key and opens it again', () => {
    const ring = EncryptionKeyRing.fromConfig(newKey().toString('base64'));
    const plaintext = Buffer.from('{"password":"hunter2"}');
    const a = ring.seal(plaintext, aad);
    const b = ring.seal(plaintext, aad);
    expect(a.keyId).toBe(ring.activeKeyId);
    expect(a.iv).toHaveLength(12);
    expect(a.authTag).toHaveLength(16);
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.ciphertext.includes(plaintext)).toBe(false);
    expect(ring.open(a, aad).toString()).toBe(plaintext.toString());
  });

  it('refuses to open under other associated data, a flipped bit, or an unknown key', () => {
    const ring = EncryptionKeyRing.fromConfig(newKey().toString('base64'));
    const box = ring.seal(Buffer.from('secret'), aad);
    expect(() => ring.open(box, Buffer.from('tenants/a/db\n2'))).toThrow();
    const flipped = Buffer.from(box.ciphertext);
    flipped[0] ^= 1;
    expect(() => ring.open({ ...box, ciphertext: flipped }, aad)).toThrow();
    const other = EncryptionKeyRing.fromConfig(newKey().toString('base64'));
    expect(() => other.open(box, aad)).toThrow(/not configured/);
  });

  it('opens what an old key sealed once that key is listed as old', () => {
    const [oldKey, newer] = [newKey(), newKey()];
    const before = EncryptionKeyRing.fromConfig(oldKey.toString('base64'));
    const box = before.seal(Buffer.from('kept'), aad);
    const after = EncryptionKeyRing.fromConfig(
      newer.toString('base64'),
      `${idOf(oldKey)}:${oldKey.toString('base64')}`,
    );
    expect(after.open(box, aad).toString()).toBe('kept');
    expect(after.seal(Buffer.from('new'), aad).keyId).toBe(idOf(newer));
  });

  it('never shows key material when logged or serialised', () => {
    const key = newKey();
    const ring = EncryptionKeyRing.fromConfig(key.toString('base64'));
    const shown = `${inspect(ring, { showHidden: true, depth: 5 })} ${JSON.stringify(ring)}`;
    expect(shown).not.toContain(key.toString('base64'));
    expect(shown).not.toContain(key.toString('hex'));
    expect(shown).not.toMatch(/<Buffer/);
  });
});
