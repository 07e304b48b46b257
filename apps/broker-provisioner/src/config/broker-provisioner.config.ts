import { rotationGraceConfig } from '@enclave/lifecycle';
import { secretStoreConfig } from '@enclave/secret-store';
import { commonConfig } from '@enclave/service-kit';
import { z } from 'zod';

export const brokerProvisionerConfig = commonConfig.extend(secretStoreConfig.variables).extend({
  RABBITMQ_MGMT_URL: {
    schema: z
      .string()
      .url()
      // `guest` is every broker's bootstrap account with a well-known password.
      .refine(
        (url) => decodeURIComponent(URL.canParse(url) ? new URL(url).username : '') !== 'guest',
        "must name the platform's own management user, not guest",
      ),
    description:
      "RabbitMQ management API URL with the credentials of the platform's own management user: tagged administrator (vhosts, users, limits), not `guest`, with permissions on no vhost (the provisioner holds a tenant's only while declaring its topology).",
    secret: true,
  },
  ...rotationGraceConfig,
});

export type BrokerProvisionerConfig = ReturnType<typeof brokerProvisionerConfig.load>;
