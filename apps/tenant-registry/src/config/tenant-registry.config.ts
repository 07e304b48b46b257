import { commonConfig } from '@enclave/service-kit';
import { z } from 'zod';

export const tenantRegistryConfig = commonConfig.extend({
  ADMIN_API_TOKEN: {
    schema: z.string().min(32, 'must be at least 32 characters'),
    description: 'Bearer token operators present to the admin API.',
    secret: true,
  },
  API_BODY_LIMIT: {
    schema: z
      .string()
      .regex(/^\d+(kb|mb)$/)
      .default('16kb'),
    description: 'Largest accepted request body; larger ones get 413.',
  },
});

export type TenantRegistryConfig = ReturnType<typeof tenantRegistryConfig.load>;
