import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { isolationModeSchema } from '../identifiers/isolation-mode.schema';
import { productNameSchema } from '../identifiers/product-name.schema';
import { tenantIdSchema } from '../identifiers/tenant-id.schema';
import { Topics } from './topics';

const v1 = z
  .object({
    tenantId: tenantIdSchema,
    registrationId: z.string().uuid(),
    product: productNameSchema,
    isolationMode: isolationModeSchema,
  })
  .strict();

/** A product was registered for a tenant: the trigger of every provisioning stage. */
export const ServiceRegistered = defineEvent({
  type: 'ServiceRegistered',
  topic: Topics.ServiceRegistered,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: (p) => `${p.tenantId}/${p.product}`,
});

export type ServiceRegisteredPayload = z.output<typeof v1>;
