import { rotationGraceConfig } from '@enclave/lifecycle';
import { secretStoreConfig } from '@enclave/secret-store';
import { commonConfig } from '@enclave/service-kit';
import { z } from 'zod';

export const brokerProvisionerConfig = commonConfig.extend(secretStoreConfig.variables).extend({
  RABBITMQ_MGMT_URL: {
    schema: z.string().url(),
    description:
      'RabbitMQ management API URL with administrator credentials (vhosts, users, permissions).',
    secret: true,
  },
  ...rotationGraceConfig,
});

export type BrokerProvisionerConfig = ReturnType<typeof brokerProvisionerConfig.load>;
