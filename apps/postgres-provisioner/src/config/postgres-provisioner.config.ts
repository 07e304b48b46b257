import { rotationGraceConfig } from '@enclave/lifecycle';
import { secretStoreConfig } from '@enclave/secret-store';
import { commonConfig } from '@enclave/service-kit';
import { z } from 'zod';

export const postgresProvisionerConfig = commonConfig.extend(secretStoreConfig.variables).extend({
  TENANT_PG_ADMIN_URL: {
    schema: z.string().url().startsWith('postgres'),
    description:
      "Administrator of the tenant PostgreSQL server (superuser, or CREATEROLE + CREATEDB), on its maintenance database; it creates tenants' databases, schemas and roles.",
    secret: true,
  },
  ...rotationGraceConfig,
});

export type PostgresProvisionerConfig = ReturnType<typeof postgresProvisionerConfig.load>;
