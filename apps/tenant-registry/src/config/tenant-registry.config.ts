import { secretStoreConfig } from '@enclave/secret-store';
import { commonConfig, operatorAuthConfig } from '@enclave/service-kit';
import { z } from 'zod';
import { intakePublishersSchema } from '../intake/intake-publishers';

export const tenantRegistryConfig = commonConfig
  .extend(secretStoreConfig.variables)
  .extend(operatorAuthConfig.variables)
  .extend({
    PRODUCT_TOKEN_SECRET: {
      schema: z.string().min(32, 'must be at least 32 characters'),
      description:
        'Key of the HMAC under which product API tokens are stored (only the hash is kept); changing it revokes every product token.',
      secret: true,
    },
    API_BODY_LIMIT: {
      schema: z
        .string()
        .regex(/^\d+(kb|mb)$/)
        .default('16kb'),
      description:
        'Largest accepted request body; larger ones get 413. Also the largest intake request (larger ones are rejected).',
    },
    INTAKE_PUBLISHERS: {
      schema: intakePublishersSchema,
      description:
        'Upstream publishers whose intake requests the registry reads (topic `enclave.intake.<publisher>.requests`, replies on `….replies`), each with the products it may act for: `signup=ledger+tracer,billing=*`. Empty (default): no intake.',
    },
  });

export type TenantRegistryConfig = ReturnType<typeof tenantRegistryConfig.load>;
