import { z } from 'zod';
import { commonConfig } from '@enclave/service-kit';

export const brokerProvisionerConfig = commonConfig.extend({
  RABBITMQ_MGMT_URL: {
    schema: z.string().url(),
    description: 'RabbitMQ management API URL with administrator credentials (vhosts, users, permissions).',
    secret: true,
  },
});

export type BrokerProvisionerConfig = ReturnType<typeof brokerProvisionerConfig.load>;
