import { EmbeddedSecretStore, EncryptionKeyRing } from '@enclave/secret-store';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';

/** The credential-service's vault as the apps run it by default: embedded, under a random key. */
export async function embeddedVaultOn(dataSource: DataSource): Promise<EmbeddedSecretStore> {
  const secrets = new EmbeddedSecretStore(
    dataSource,
    EncryptionKeyRing.fromConfig(randomBytes(32).toString('base64')),
  );
  await secrets.ensureSchema();
  return secrets;
}
