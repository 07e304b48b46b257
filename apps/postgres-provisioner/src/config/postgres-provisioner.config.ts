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
  TENANT_PG_DATABASE_TEMPLATES: {
    schema: z.enum(['true', 'false']).default('true'),
    description:
      "DATABASE mode: `true` copies a new tenant's database from a template database already at the product version (CREATE DATABASE … TEMPLATE), `false` creates it empty for the migration-runner to migrate.",
  },
  ...rotationGraceConfig,
});

export type PostgresProvisionerConfig = ReturnType<typeof postgresProvisionerConfig.load>;
