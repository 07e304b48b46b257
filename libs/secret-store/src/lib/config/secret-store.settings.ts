import { ConfigValidationError } from '@enclave/service-kit';
import { EncryptionKeyRing } from '../embedded/encryption-key-ring';
import { SecretStoreConfig } from './secret-store.config';

export type SecretStoreSettings =
  | { readonly kind: 'embedded'; readonly keys: EncryptionKeyRing }
  | {
      readonly kind: 'vault';
      readonly endpoint: string;
      readonly token: string;
      readonly mount: string;
    };

/**
 * The backend the loaded configuration selects, with what it needs; throws a ConfigValidationError
 * listing every variable the chosen backend is missing (the cross-variable rules a per-variable
 * ConfigDefinition cannot express).
 */
export function resolveSecretStoreSettings(config: SecretStoreConfig): SecretStoreSettings {
  const problems: string[] = [];
  const require = (name: keyof SecretStoreConfig, value: string | undefined, secret: boolean) => {
    if (!value) {
      problems.push(
        `${name} is required when SECRET_STORE=${config.SECRET_STORE}${secret ? ' (secret)' : ''}`,
      );
    }
  };
  if (config.SECRET_STORE === 'vault') {
    require('VAULT_ADDR', config.VAULT_ADDR, false);
    require('VAULT_TOKEN', config.VAULT_TOKEN, true);
    if (problems.length > 0) throw new ConfigValidationError(problems);
    return {
      kind: 'vault',
      endpoint: config.VAULT_ADDR as string,
      token: config.VAULT_TOKEN as string,
      mount: config.VAULT_KV_MOUNT,
    };
  }
  require('SECRETS_ENCRYPTION_KEY', config.SECRETS_ENCRYPTION_KEY, true);
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return {
    kind: 'embedded',
    keys: EncryptionKeyRing.fromConfig(
      config.SECRETS_ENCRYPTION_KEY as string,
      config.SECRETS_ENCRYPTION_OLD_KEYS,
    ),
  };
}
