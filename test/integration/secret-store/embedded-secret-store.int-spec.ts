import {
  EmbeddedSecretStore,
  EncryptionKeyRing,
  SecretDecryptionError,
  SecretNotFoundError,
} from '@enclave/secret-store';
import { DataSource } from 'typeorm';
import { freshPath, newEncryptionKey, startPlatformDatabase } from './secret-store-backends';

interface RawRow {
  path: string;
  version: number;
  ciphertext: Buffer | null;
  iv: Buffer | null;
  auth_tag: Buffer | null;
  key_id: string;
  revoked_at: Date | null;
  row_text: string;
}

const TABLE = 'enclave_vault.secret_version';
const idOf = (base64Key: string) => EncryptionKeyRing.idOf(Buffer.from(base64Key, 'base64'));

/** What only the embedded store promises: encryption at rest, its keys, its tombstones. */
describe('EmbeddedSecretStore on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof startPlatformDatabase>>;
  let dataSource: DataSource;
  const key = newEncryptionKey();
  const storeWith = (active: string, old?: string, schema?: string) =>
    new EmbeddedSecretStore(dataSource, EncryptionKeyRing.fromConfig(active, old), { schema });
  let store: EmbeddedSecretStore;

  const rawRows = (path: string, table = TABLE): Promise<RawRow[]> =>
    dataSource.query(
      `SELECT path, version, ciphertext, iv, auth_tag, key_id, revoked_at, t::text AS row_text
       FROM ${table} t WHERE path = $1 ORDER BY version`,
      [path],
    );

  beforeAll(async () => {
    db = await startPlatformDatabase('secret_store_embedded');
    dataSource = db.dataSource;
    store = storeWith(key);
  });

  afterAll(async () => {
    await db?.stop();
  });

  it('creates its schema and table once, with replicas starting together', async () => {
    await Promise.all(Array.from({ length: 8 }, () => storeWith(key).ensureSchema()));
    await store.ensureSchema();
    const [{ count }] = await dataSource.query(
      `SELECT count(*)::int AS count FROM information_schema.tables
       WHERE table_schema = 'enclave_vault' AND table_name = 'secret_version'`,
    );
    expect(count).toBe(1);
    expect(await store.ping()).toEqual({ backend: 'embedded', schema: 'enclave_vault' });
  });

  it('keeps its table in the schema it is given', async () => {
    const other = storeWith(key, undefined, 'tenant_secrets');
    await other.ensureSchema();
    const ref = await other.put(freshPath(), { password: 'p' });
    expect((await other.get(ref.path)).data).toEqual({ password: 'p' });
    await expect(store.get(ref.path)).rejects.toBeInstanceOf(SecretNotFoundError);
    expect(() => storeWith(key, undefined, 'x"; DROP TABLE y; --')).toThrow(/unsafe schema name/);
  });

  it('stores no plaintext: neither values nor field names appear in the raw rows', async () => {
    const path = freshPath();
    const secret = 'Plaintext-Canary-7f3a9c';
    await store.put(path, { canary_field_name: secret });
    await store.put(path, { canary_field_name: secret });
    const rows = await rawRows(path);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      for (const needle of [secret, 'canary_field_name']) {
        expect(row.row_text).not.toContain(needle);
        expect(row.row_text).not.toContain(Buffer.from(needle).toString('hex'));
        expect(row.ciphertext?.includes(needle)).toBe(false);
      }
      expect(row.iv).toHaveLength(12);
      expect(row.auth_tag).toHaveLength(16);
      expect(row.key_id).toBe(idOf(key));
    }
    // Same data, two versions: a fresh IV each time, so the ciphertexts differ.
    expect(rows[0].iv?.equals(rows[1].iv as Buffer)).toBe(false);
    expect(rows[0].ciphertext?.equals(rows[1].ciphertext as Buffer)).toBe(false);
  });

  it('fails with a clear error under a key it was not written with', async () => {
    const path = freshPath();
    await store.put(path, { password: 'p' });
    const strangerKey = newEncryptionKey();
    const stranger = storeWith(strangerKey);
    await expect(stranger.get(path)).rejects.toThrow(SecretDecryptionError);
    await expect(stranger.get(path)).rejects.toThrow(
      new RegExp(
        `${path} version 1 \\(key ${idOf(key)}\\): that key is not configured.*SECRETS_ENCRYPTION_OLD_KEYS`,
      ),
    );
    // The same bytes labelled with the stranger's key id: GCM authentication refuses them.
    await dataSource.query(`UPDATE ${TABLE} SET key_id = $2 WHERE path = $1`, [
      path,
      idOf(strangerKey),
    ]);
    await expect(stranger.get(path)).rejects.toThrow(/authentication failed/);
  });

  it('binds each ciphertext to its path and version (a copied row fails authentication)', async () => {
    const source = freshPath('source');
    const target = freshPath('target');
    await store.put(source, { password: 'original' });
    await store.put(source, { password: 'second' });
    await store.put(target, { password: 'target' });
    // Version 1 of source copied over target version 1, and over source version 2.
    const copy = `UPDATE ${TABLE} d SET ciphertext = s.ciphertext, iv = s.iv, auth_tag = s.auth_tag, key_id = s.key_id
                  FROM ${TABLE} s WHERE s.path = $1 AND s.version = 1 AND d.path = $2 AND d.version = $3`;
    await dataSource.query(copy, [source, target, 1]);
    await dataSource.query(copy, [source, source, 2]);
    await expect(store.get(target, 1)).rejects.toThrow(/authentication failed/);
    await expect(store.get(source, 2)).rejects.toThrow(/authentication failed/);
    expect((await store.get(source, 1)).data).toEqual({ password: 'original' });
    // A flipped bit in place fails the same way.
    await dataSource.query(
      `UPDATE ${TABLE} SET ciphertext = set_byte(ciphertext, 0, get_byte(ciphertext, 0) # 1) WHERE path = $1 AND version = 1`,
      [source],
    );
    await expect(store.get(source, 1)).rejects.toThrow(SecretDecryptionError);
  });

  it('rotates keys: old versions stay readable through the old keys, new ones use the new key', async () => {
    // A schema of its own: re-encryption covers the whole table.
    const schema = 'rotation_test';
    const table = `${schema}.secret_version`;
    const oldKey = newEncryptionKey();
    const newKey = newEncryptionKey();
    const path = freshPath();
    const untouched = freshPath('other');
    await storeWith(oldKey, undefined, schema).ensureSchema();
    await storeWith(oldKey, undefined, schema).put(path, { password: 'under-old-key' });
    await storeWith(oldKey, undefined, schema).put(untouched, { password: 'also-old' });

    const rotated = storeWith(newKey, `${idOf(oldKey)}:${oldKey}`, schema);
    expect((await rotated.get(path, 1)).data).toEqual({ password: 'under-old-key' });
    expect(await rotated.put(path, { password: 'under-new-key' })).toEqual({ path, version: 2 });
    expect((await rawRows(path, table)).map((r) => r.key_id)).toEqual([idOf(oldKey), idOf(newKey)]);

    // Without the old key, only what the new key sealed is readable …
    const newOnly = storeWith(newKey, undefined, schema);
    expect((await newOnly.get(path)).data).toEqual({ password: 'under-new-key' });
    await expect(newOnly.get(path, 1)).rejects.toThrow(/not configured/);

    // … until the rotated store re-encrypts the old versions; then the old key can go.
    expect(await rotated.reencryptWithActiveKey(1)).toBe(2);
    expect(await rotated.reencryptWithActiveKey()).toBe(0);
    expect((await newOnly.get(path, 1)).data).toEqual({ password: 'under-old-key' });
    expect((await newOnly.get(untouched)).data).toEqual({ password: 'also-old' });
    expect((await rawRows(path, table)).map((r) => r.key_id)).toEqual([idOf(newKey), idOf(newKey)]);
  });

  it('refuses to finish a re-encryption while some version needs a key it lacks', async () => {
    // The shared table holds versions of keys this store never had (see the tests above).
    await store.put(freshPath(), { password: 'p' });
    await storeWith(newEncryptionKey()).put(freshPath(), { password: 'p' });
    await expect(storeWith(newEncryptionKey(), key).reencryptWithActiveKey()).rejects.toThrow(
      SecretDecryptionError,
    );
  });

  it('wipes the ciphertext of every version on revoke, so not even the key recovers it', async () => {
    const path = freshPath();
    await store.put(path, { password: 'p1' });
    await store.put(path, { password: 'p2' });
    await store.revoke(path);
    const rows = await rawRows(path);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ ciphertext: null, iv: null, auth_tag: null });
      expect(row.revoked_at).toBeInstanceOf(Date);
    }
    await expect(store.get(path, 1)).rejects.toBeInstanceOf(SecretNotFoundError);
    // The table itself refuses a revoked row that still holds ciphertext.
    await expect(
      dataSource.query(
        `UPDATE ${TABLE} SET ciphertext = '\\x00', iv = '\\x00', auth_tag = '\\x00' WHERE path = $1`,
        [path],
      ),
    ).rejects.toThrow(/secret_version_sealed/);
    // A later put continues the numbering, so a stale ref never reads the new secret.
    expect(await store.put(path, { password: 'p3' })).toEqual({ path, version: 3 });
    await expect(store.get(path, 2)).rejects.toBeInstanceOf(SecretNotFoundError);
  });

  it('does not lose a put racing a revoke: the put lands before (revoked) or after (readable)', async () => {
    const path = freshPath();
    await store.put(path, { password: 'p0' });
    const [ref] = await Promise.all([store.put(path, { password: 'racer' }), store.revoke(path)]);
    const latest = await store.find(path);
    if (latest) expect(latest).toEqual({ ref, data: { password: 'racer' } });
    else await expect(store.get(path, ref.version)).rejects.toBeInstanceOf(SecretNotFoundError);
  });
});
