import { commonConfig, ConfigDefinition } from '@enclave/service-kit';
import { z } from 'zod';

const { HTTP_PORT, HTTP_HOST, LOG_LEVEL, METRICS_TOKEN } = commonConfig.variables;

/**
 * The console holds no state and reads no topic: no database, no Kafka. It needs where the platform
 * answers, and the key that seals an operator's session cookie.
 */
export const operatorConsoleConfig = new ConfigDefinition({
  HTTP_PORT,
  HTTP_HOST,
  LOG_LEVEL,
  REGISTRY_URL: {
    schema: z.string().url().startsWith('http'),
    description:
      "Base URL of the tenant-registry's admin API (e.g. http://127.0.0.1:7100); every console call goes there with the operator's token.",
  },
  CONSOLE_SESSION_KEY: {
    schema: z.string().min(32, 'must be at least 32 characters'),
    description:
      "Key that encrypts and authenticates the session cookie holding the operator's token (AES-256-GCM); changing it logs every operator out.",
    secret: true,
  },
  CONSOLE_SESSION_HOURS: {
    schema: z.coerce.number().int().min(1).max(24).default(8),
    description: 'Hours a login lasts before the operator must log in again.',
  },
  PLATFORM_APPS: {
    schema: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((e) => e.trim())
          .filter(Boolean),
      )
      .pipe(
        z.array(
          z
            .string()
            .regex(
              /^[a-z][a-z0-9-]*=https?:\/\/\S+$/,
              'each entry must be name=http(s)://host:port',
            ),
        ),
      )
      .transform((entries) =>
        entries.map((e) => {
          const at = e.indexOf('=');
          return { name: e.slice(0, at), url: e.slice(at + 1).replace(/\/$/, '') };
        }),
      ),
    description:
      'The platform apps the console shows, comma-separated `name=url` (e.g. `tenant-registry=http://127.0.0.1:7100,…`): their health, consumer lag and outbox backlog.',
  },
  METRICS_TOKEN: {
    ...METRICS_TOKEN,
    description:
      "Bearer token of the apps' GET /metrics, read for consumer lag, outbox backlog and provisioning times; unset: the console shows health only.",
  },
});

export type OperatorConsoleConfig = ReturnType<typeof operatorConsoleConfig.load>;
