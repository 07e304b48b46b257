import { DynamicModule, Module, Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretStoreConfig } from '../config/secret-store.config';
import { resolveSecretStoreSettings } from '../config/secret-store.settings';
import { EmbeddedSecretStore } from '../embedded/embedded.secret-store';
import { SECRET_STORE } from '../secret-store';
import { SECRET_STORE_BACKEND } from '../secret-store-backend';
import { createVaultClient } from '../vault/vault-client.factory';
import { VaultKvSecretStore } from '../vault/vault-kv.secret-store';
import { SecretStoreReadinessProbe } from './secret-store.readiness-probe';

/**
 * Provides SECRET_STORE (the port) to the whole app, backed by what the configuration selects.
 * The embedded backend uses the app's TypeORM DataSource and creates its table while the app
 * boots, before any consumer or handler can reach it.
 */
@Module({})
export class SecretStoreModule {
  static forRoot(config: SecretStoreConfig): DynamicModule {
    // Resolved now, so a missing key or token fails start-up before any connection is made.
    const settings = resolveSecretStoreSettings(config);
    const backend: Provider =
      settings.kind === 'embedded'
        ? {
            provide: SECRET_STORE_BACKEND,
            inject: [DataSource],
            useFactory: async (dataSource: DataSource) => {
              const store = new EmbeddedSecretStore(dataSource, settings.keys);
              await store.ensureSchema();
              return store;
            },
          }
        : {
            provide: SECRET_STORE_BACKEND,
            useFactory: () =>
              new VaultKvSecretStore(createVaultClient(settings), { mount: settings.mount }),
          };
    return {
      module: SecretStoreModule,
      global: true,
      providers: [
        backend,
        { provide: SECRET_STORE, useExisting: SECRET_STORE_BACKEND },
        SecretStoreReadinessProbe,
      ],
      exports: [SECRET_STORE, SECRET_STORE_BACKEND, SecretStoreReadinessProbe],
    };
  }
}
