import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  SECRET_STORE,
  SecretBackendError,
  SecretStore,
  secretStoreConfig,
  SecretStoreModule,
  SecretStoreReadinessProbe,
} from '@enclave/secret-store';
import { createTestDatabase, TestDatabase, testInfra } from '@enclave/testing';
import { freshPath, newEncryptionKey } from './secret-store-backends';

/** The Nest wiring as an app gets it: the config picks the backend, the probe checks it. */
describe('SecretStoreModule', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(testInfra().pgAdminUrl, 'secret_store_module');
  });

  afterAll(async () => {
    await database?.drop();
  });

  async function boot(env: Record<string, string>): Promise<INestApplicationContext> {
    @Module({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: database.url, retryAttempts: 1 }),
        SecretStoreModule.forRoot(secretStoreConfig.load(env)),
      ],
    })
    class AppModule {}
    return NestFactory.createApplicationContext(AppModule, { logger: false });
  }

  it('embedded: creates its table while booting and serves the port and the probe', async () => {
    const app = await boot({ SECRETS_ENCRYPTION_KEY: newEncryptionKey() });
    try {
      const store = app.get<SecretStore>(SECRET_STORE);
      const path = freshPath();
      const ref = await store.put(path, { password: 'p' });
      expect(await store.get(path)).toEqual({ ref, data: { password: 'p' } });
      const probe = app.get(SecretStoreReadinessProbe);
      expect(probe.name).toBe('vault');
      await expect(probe.check()).resolves.toEqual({
        backend: 'embedded',
        schema: 'enclave_vault',
      });
    } finally {
      await app.close();
    }
  });

  it('embedded without a key: start-up fails naming the variable', async () => {
    await expect(boot({})).rejects.toThrow(
      /SECRETS_ENCRYPTION_KEY is required when SECRET_STORE=embedded/,
    );
  });

  it('vault: the probe reports an unreachable server as not ready', async () => {
    const app = await boot({
      SECRET_STORE: 'vault',
      VAULT_ADDR: 'http://127.0.0.1:9',
      VAULT_TOKEN: 'unused',
    });
    try {
      await expect(app.get(SecretStoreReadinessProbe).check()).rejects.toThrow(SecretBackendError);
    } finally {
      await app.close();
    }
  });
});
