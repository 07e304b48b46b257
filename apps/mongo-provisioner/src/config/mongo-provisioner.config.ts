import { secretStoreConfig } from '@enclave/secret-store';
import { commonConfig } from '@enclave/service-kit';
import { z } from 'zod';

export const mongoProvisionerConfig = commonConfig.extend(secretStoreConfig.variables).extend({
  MONGO_URL: {
    schema: z.string().startsWith('mongodb'),
    description: 'MongoDB URL with rights to create tenant databases and users.',
    secret: true,
  },
  MONGO_ALLOW_UNAUTHENTICATED_TENANTS: {
    schema: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    description:
      'Development only: provision tenant databases on a MongoDB server without user management or access control (unauthenticated). false: such a server fails the MongoDB stage.',
  },
});

export type MongoProvisionerConfig = ReturnType<typeof mongoProvisionerConfig.load>;
