import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { serviceEventFields, serviceEventKey } from './service-event.fields';
import { Topics } from './topics';

const v1 = z.object({ ...serviceEventFields, vhost: z.string(), user: z.string() }).strict();

export const BrokerProvisioned = defineEvent({
  type: 'BrokerProvisioned',
  topic: Topics.BrokerProvisioned,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: serviceEventKey,
});

export type BrokerProvisionedPayload = z.output<typeof v1>;
