import { ConfigValidationError } from '@enclave/service-kit';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { EncryptionKeyRing } from '../embedded/encryption-key-ring';
import { secretStoreConfig } from './secret-store.config';
import { resolveSecretStoreSettings } from './secret-store.settings';

const key = randomBytes(32).toString('base64');

describe('secretStoreConfig', () => {
  it('defaults to the embedded store on the secret/ mount', () => {
    const config = secretStoreConfig.load({ SECRETS_ENCRYPTION_KEY: key });
    expect(config.SECRET_STORE).toBe('embedded');
    expect(config.VAULT_KV_MOUNT).toBe('secret');
  });

  it('describes every variable and flags the secret ones', () => {
    for (const variable of Object.values(secretStoreConfig.variables)) {
      expect(variable.description.length).toBeGreaterThan(20);
    }
    const secret = Object.entries(secretStoreConfig.variables)
      .filter(([, v]) => 'secret' in v && v.secret)
      .map(([name]) => name);
    expect(secret.sort()).toEqual([
      'SECRETS_ENCRYPTION_KEY',
      'SECRETS_ENCRYPTION_OLD_KEYS',
      'VAULT_TOKEN',
    ]);
    const summary = secretStoreConfig.summarize(
      secretStoreConfig.load({ SECRETS_ENCRYPTION_KEY: key, VAULT_TOKEN: 's.hunter2' }),
    );
    expect(JSON.stringify(summary)).not.toContain(key);
    expect(JSON.stringify(summary)).not.toContain('hunter2');
  });

  it('is documented in the README, secrets flagged', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
    for (const [name, variable] of Object.entries(secretStoreConfig.variables)) {
      const row = readme
        .split('\n')
        .map((line) => line.split('|').map((cell) => cell.trim()))
        .find((cells) => cells[1] === `\`${name}\``);
      expect(row).toBeDefined();
      expect(row?.[row.length - 2]).toBe('secret' in variable && variable.secret ? 'yes' : '');
    }
  });

  it('rejects malformed values without echoing secrets', () => {
    const badKey = randomBytes(16).toString('base64');
    let error: unknown;
    try {
      secretStoreConfig.load({
        SECRET_STORE: 'consul',
        SECRETS_ENCRYPTION_KEY: badKey,
        SECRETS_ENCRYPTION_OLD_KEYS: `abcd1234:${key}`,
        VAULT_ADDR: 'not a url',
        VAULT_KV_MOUNT: '/secret/',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const { problems, message } = error as ConfigValidationError;
    expect(problems).toHaveLength(5);
    expect(message).toMatch(/SECRETS_ENCRYPTION_KEY must be base64 of exactly 32 random bytes/);
    expect(message).toMatch(
      /SECRETS_ENCRYPTION_OLD_KEYS entry 1: id "abcd1234" is not the id of its key/,
    );
    expect(message).not.toContain(badKey);
    expect(message).not.toContain(key);
  });
});

describe('resolveSecretStoreSettings', () => {
  it('requires the encryption key for the embedded store', () => {
    expect(() => resolveSecretStoreSettings(secretStoreConfig.load({}))).toThrow(
      /SECRETS_ENCRYPTION_KEY is required when SECRET_STORE=embedded \(secret\)/,
    );
  });

  it('builds the key ring of the embedded store, old keys included', () => {
    const old = randomBytes(32);
    const settings = resolveSecretStoreSettings(
      secretStoreConfig.load({
        SECRETS_ENCRYPTION_KEY: key,
        SECRETS_ENCRYPTION_OLD_KEYS: old.toString('base64'),
      }),
    );
    expect(settings.kind).toBe('embedded');
    if (settings.kind !== 'embedded') return;
    expect(settings.keys.activeKeyId).toBe(EncryptionKeyRing.idOf(Buffer.from(key, 'base64')));
    expect(settings.keys.has(EncryptionKeyRing.idOf(old))).toBe(true);
  });

  it('requires address and token for Vault, listing both at once', () => {
    let error: unknown;
    try {
      resolveSecretStoreSettings(secretStoreConfig.load({ SECRET_STORE: 'vault' }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).problems).toEqual([
      'VAULT_ADDR is required when SECRET_STORE=vault',
      'VAULT_TOKEN is required when SECRET_STORE=vault (secret)',
    ]);
  });

  it('selects Vault without needing an encryption key', () => {
    const settings = resolveSecretStoreSettings(
      secretStoreConfig.load({
        SECRET_STORE: 'vault',
        VAULT_ADDR: 'http://127.0.0.1:8200',
        VAULT_TOKEN: 'root',
        VAULT_KV_MOUNT: 'kv/enclave',
      }),
    );
    expect(settings).toEqual({
      kind: 'vault',
      endpoint: 'http://127.0.0.1:8200',
      token: 'root',
      mount: 'kv/enclave',
    });
  });
});
