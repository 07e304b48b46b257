import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { serviceEventFields, serviceEventKey } from './service-event.fields';
import { Topics } from './topics';

const v1 = z.object(serviceEventFields).strict();

/** Every stage released a deprovisioned registration: nothing of it is left on any server. */
export const ServiceDeprovisioned = defineEvent({
  type: 'ServiceDeprovisioned',
  topic: Topics.ServiceDeprovisioned,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: serviceEventKey,
});

export type ServiceDeprovisionedPayload = z.output<typeof v1>;
