import { ConfigDefinition } from '@enclave/service-kit';
import { z } from 'zod';
import { EncryptionKeyRing } from '../embedded/encryption-key-ring';

// Format checks only; which variables a backend needs is decided in resolveSecretStoreSettings,
// since a ConfigDefinition validates each variable on its own. Messages never echo the value.
const encryptionKey = z
  .string()
  .superRefine((value, ctx) => {
    try {
      EncryptionKeyRing.parseKey(value, '');
    } catch (error) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: (error as Error).message });
    }
  })
  .optional();

const oldEncryptionKeys = z
  .string()
  .superRefine((value, ctx) => {
    try {
      EncryptionKeyRing.parseOldKeys(value, '');
    } catch (error) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: (error as Error).message });
    }
  })
  .optional();

/** Variables of services that keep credentials; apps add them with `commonConfig.extend(…)`. */
export const secretStoreConfig = new ConfigDefinition({
  SECRET_STORE: {
    schema: z.enum(['embedded', 'vault']).default('embedded'),
    description:
      'Where credentials are kept: `embedded` (encrypted in the platform PostgreSQL) or `vault` (HashiCorp Vault / OpenBao KV v2).',
  },
  SECRETS_ENCRYPTION_KEY: {
    schema: encryptionKey,
    description:
      'Active AES-256-GCM key of the embedded store, base64 of 32 random bytes (`openssl rand -base64 32`); required when SECRET_STORE=embedded. Keep it out of the database and its backups.',
    secret: true,
  },
  SECRETS_ENCRYPTION_OLD_KEYS: {
    schema: oldEncryptionKeys,
    description:
      "Earlier embedded-store keys, still used to decrypt versions they sealed: comma-separated `id:base64` (or bare `base64`), id = first 8 hex chars of the key's sha256.",
    secret: true,
  },
  VAULT_ADDR: {
    schema: z.string().url().optional(),
    description:
      'Vault / OpenBao address, e.g. http://127.0.0.1:8200; required when SECRET_STORE=vault.',
  },
  VAULT_TOKEN: {
    schema: z.string().min(1).optional(),
    description:
      'Vault / OpenBao token of this app, with only the rights its policy grants on the KV mount (docker-compose: deploy/openbao/policies/<app>.hcl); required when SECRET_STORE=vault.',
    secret: true,
  },
  VAULT_KV_MOUNT: {
    schema: z
      .string()
      .regex(
        /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/,
        'must be a mount path without leading or trailing slash',
      )
      .default('secret'),
    description: 'Mount path of the KV version 2 secrets engine in Vault / OpenBao.',
  },
});

export type SecretStoreConfig = ReturnType<typeof secretStoreConfig.load>;
