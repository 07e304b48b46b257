import { z } from 'zod';
import { commonConfig } from '@enclave/service-kit';

export const mongoProvisionerConfig = commonConfig.extend({
  MONGO_URL: {
    schema: z.string().startsWith('mongodb'),
    description: 'MongoDB URL with rights to create tenant databases and users.',
    secret: true,
  },
});

export type MongoProvisionerConfig = ReturnType<typeof mongoProvisionerConfig.load>;
