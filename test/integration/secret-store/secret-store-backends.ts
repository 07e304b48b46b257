import {
  createVaultClient,
  EmbeddedSecretStore,
  EncryptionKeyRing,
  SecretStore,
  VaultKvSecretStore,
} from '@enclave/secret-store';
import {
  createTestDatabase,
  recordExercised,
  recordNotExercised,
  testInfra,
} from '@enclave/testing';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';

export interface StartedBackend {
  readonly store: SecretStore;
  stop(): Promise<void>;
}

export interface BackendUnderTest {
  readonly name: string;
  start(): Promise<StartedBackend>;
}

/** A base64 AES-256 key, as SECRETS_ENCRYPTION_KEY holds it. */
export const newEncryptionKey = (): string => randomBytes(32).toString('base64');

/** A path no other test (nor an earlier run against the same Vault) has used. */
export const freshPath = (leaf = 'db'): string =>
  `tenants/it-${randomBytes(6).toString('hex')}/orders/${leaf}`;

/** A throw-away platform database with a TypeORM DataSource on it, as the apps have one. */
export async function startPlatformDatabase(
  prefix: string,
): Promise<{ dataSource: DataSource; stop(): Promise<void> }> {
  const database = await createTestDatabase(testInfra().pgAdminUrl, prefix);
  const dataSource = await new DataSource({
    type: 'postgres',
    url: database.url,
    extra: { max: 10 },
  }).initialize();
  return {
    dataSource,
    async stop() {
      await dataSource.destroy();
      await database.drop();
    },
  };
}

const embedded: BackendUnderTest = {
  name: 'embedded (PostgreSQL, AES-256-GCM)',
  async start() {
    // createTestDatabase records PostgreSQL as exercised.
    const db = await startPlatformDatabase('secret_store_contract');
    const store = new EmbeddedSecretStore(
      db.dataSource,
      EncryptionKeyRing.fromConfig(newEncryptionKey()),
    );
    await store.ensureSchema();
    return { store, stop: db.stop };
  },
};

function vault(addr: string): BackendUnderTest {
  const mount = process.env.VAULT_KV_MOUNT || 'secret';
  return {
    name: `vault (KV v2 at ${addr}, mount ${mount})`,
    async start() {
      const token = process.env.VAULT_TOKEN;
      // VAULT_ADDR without a token is a broken set-up, not a reason to skip.
      if (!token)
        throw new Error(
          'VAULT_ADDR is set but VAULT_TOKEN is not: the Vault contract suite needs both',
        );
      const client = createVaultClient({ endpoint: addr, token });
      const health = (await client.health()) as { version?: string; sealed?: boolean };
      if (health.sealed) throw new Error(`Vault at ${addr} is sealed`);
      const store = new VaultKvSecretStore(client, { mount });
      await store.ping();
      recordExercised(
        'Vault',
        `${addr} KV v2 mount ${mount}/ (server ${health.version ?? 'unknown'})`,
      );
      return { store, stop: async () => undefined };
    },
  };
}

/**
 * Every backend this run can reach: the embedded one always, Vault when VAULT_ADDR is set. A
 * missing Vault is recorded for the end-of-run report, never passed over in silence.
 */
export function availableBackends(): BackendUnderTest[] {
  const addr = testInfra().vaultAddr;
  if (!addr) {
    recordNotExercised(
      'Vault',
      'KV v2 contract suite',
      'VAULT_ADDR is not set (point it and VAULT_TOKEN at a Vault/OpenBao, e.g. the docker-compose openbao on http://127.0.0.1:38200)',
    );
    return [embedded];
  }
  return [embedded, vault(addr)];
}
