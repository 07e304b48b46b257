import { z } from 'zod';
import { isolationModeSchema } from '../identifiers/isolation-mode.schema';
import { productNameSchema } from '../identifiers/product-name.schema';
import { rabbitMqIsolationSchema } from '../identifiers/rabbitmq-isolation.schema';
import { tenantIdSchema } from '../identifiers/tenant-id.schema';

const credential = {
  username: z.string().min(1),
  password: z.string().min(1),
  /** Vault version of the credential, to tell a rotated one from the one in use. */
  secretVersion: z.number().int().positive(),
};

/**
 * The registry's product endpoint (`GET /v1/products/:product/tenants/:tenantId/connection`): one
 * tenant's registration of one product, with its resources' names and credentials only when the
 * tenant may be served. The registry answers it and the tenancy SDK validates it with this schema.
 */
export const tenantConnectionSchema = z.object({
  tenantId: tenantIdSchema,
  product: productNameSchema,
  isolationMode: isolationModeSchema,
  state: z.enum(['ready', 'provisioning', 'failed', 'suspended']),
  postgres: z.object({ database: z.string(), schema: z.string(), ...credential }).optional(),
  mongodb: z.object({ database: z.string(), ...credential }).optional(),
  rabbitmq: z
    .object({
      vhost: z.string(),
      /** Absent from registries before the shared-vhost level: theirs are all a vhost per tenant. */
      isolation: rabbitMqIsolationSchema.default('VHOST'),
      /**
       * What every exchange and queue name of the tenant starts with: `t.<tenant>.` in a shared
       * vhost (the broker refuses the tenant any other name), empty in its own vhost.
       */
      prefix: z.string().default(''),
      ...credential,
    })
    .optional(),
});

export type TenantConnection = z.infer<typeof tenantConnectionSchema>;
