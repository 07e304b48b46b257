import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { resourceKindSchema } from '../identifiers/resource-kind.schema';
import { registrationLimitsSchema } from '../limits/registration-limits.schema';
import { serviceEventFields, serviceEventKey } from './service-event.fields';
import { Topics } from './topics';

const v1 = z
  .object({
    ...serviceEventFields,
    productVersion: z.string().min(1).max(40),
    /** What the product's manifest requires, fixed at registration so every stage agrees. */
    resources: z.array(resourceKindSchema).min(1),
  })
  .strict();

// v2: the registration's own resource limits (revision 0 of them); absent: the defaults
const v2 = v1.extend({ limits: registrationLimitsSchema.optional() });

/** A product was registered for a tenant: the trigger of every provisioning stage. */
export const ServiceRegistered = defineEvent({
  type: 'ServiceRegistered',
  topic: Topics.ServiceRegistered,
  versions: [
    { version: 1, schema: v1 },
    // A v1 payload is a v2 one without limits: it had the defaults.
    { version: 2, schema: v2, upcast: (previous: z.output<typeof v1>) => previous },
  ],
  partitionKey: serviceEventKey,
});

export type ServiceRegisteredPayload = z.output<typeof v2>;
