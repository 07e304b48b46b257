import { secretStoreConfig } from '@enclave/secret-store';
import { commonConfig } from '@enclave/service-kit';
import { z } from 'zod';

export const mongoProvisionerConfig = commonConfig.extend(secretStoreConfig.variables).extend({
  MONGO_URL: {
    schema: z.string().startsWith('mongodb'),
    description: 'MongoDB URL with rights to create tenant databases and users.',
    secret: true,
  },
});

export type MongoProvisionerConfig = ReturnType<typeof mongoProvisionerConfig.load>;
