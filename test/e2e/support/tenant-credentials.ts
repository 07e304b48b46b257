import { ProductName, ResourceKind } from '@enclave/contracts';
import { EmbeddedSecretStore, EncryptionKeyRing } from '@enclave/secret-store';
import { DataSource } from 'typeorm';
import { Credential } from './tenant-resources';

/** Reads tenants' vaulted credentials the way a product would: from the vault, by path. */
export class TenantCredentials {
  private readonly dataSource: DataSource;
  private ready?: Promise<EmbeddedSecretStore>;

  constructor(
    databaseUrl: string,
    private readonly encryptionKey: string,
  ) {
    this.dataSource = new DataSource({ type: 'postgres', url: databaseUrl, extra: { max: 2 } });
  }

  forPostgres(tenantId: string, product: ProductName): Promise<Credential> {
    return this.read(tenantId, product, 'postgres');
  }

  forRabbit(tenantId: string, product: ProductName): Promise<Credential> {
    return this.read(tenantId, product, 'rabbitmq');
  }

  /** Every password in the vault, to look for leaks elsewhere. */
  async allPasswords(): Promise<string[]> {
    const store = await this.store();
    const rows: { path: string }[] = await this.dataSource.query(
      // Tenants' credentials only: the registry's orders (registry/…) hold no password.
      "SELECT DISTINCT path FROM enclave_vault.secret_version WHERE ciphertext IS NOT NULL AND path LIKE 'tenants/%'",
    );
    return Promise.all(rows.map(async ({ path }) => (await store.get(path)).data.password));
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  private async read(
    tenantId: string,
    product: string,
    resource: ResourceKind,
  ): Promise<Credential> {
    const { data } = await (await this.store()).get(`tenants/${tenantId}/${product}/${resource}`);
    return { username: data.username, password: data.password };
  }

  private store(): Promise<EmbeddedSecretStore> {
    this.ready ??= this.dataSource
      .initialize()
      .then((ds) => new EmbeddedSecretStore(ds, EncryptionKeyRing.fromConfig(this.encryptionKey)));
    return this.ready;
  }
}
