import { secretStoreConfig } from '@enclave/secret-store';
import { commonConfig } from '@enclave/service-kit';
import { z } from 'zod';

export const migrationRunnerConfig = commonConfig.extend(secretStoreConfig.variables).extend({
  TENANT_PG_URL: {
    schema: z
      .string()
      .url()
      .startsWith('postgres')
      .refine((u) => !new URL(u).username && !new URL(u).password, 'must not carry credentials'),
    description:
      "The tenant PostgreSQL server, without credentials (e.g. postgres://127.0.0.1:5432): migrations run there as each tenant's own role.",
  },
});

export type MigrationRunnerConfig = ReturnType<typeof migrationRunnerConfig.load>;
