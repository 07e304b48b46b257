import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { resourceKindSchema } from '../identifiers/resource-kind.schema';
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

/** A product was registered for a tenant: the trigger of every provisioning stage. */
export const ServiceRegistered = defineEvent({
  type: 'ServiceRegistered',
  topic: Topics.ServiceRegistered,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: serviceEventKey,
});

export type ServiceRegisteredPayload = z.output<typeof v1>;
