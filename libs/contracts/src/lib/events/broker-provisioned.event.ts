import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import {
  reportRotationIdSchema,
  serviceEventFields,
  serviceEventKey,
  withoutRotation,
} from './service-event.fields';
import { Topics } from './topics';

const v1 = z.object({ ...serviceEventFields, vhost: z.string(), user: z.string() }).strict();

// v2: a report says which rotation it belongs to, instead of the aggregator matching causation.
const v2 = v1.extend({ rotationId: reportRotationIdSchema });

export const BrokerProvisioned = defineEvent({
  type: 'BrokerProvisioned',
  topic: Topics.BrokerProvisioned,
  versions: [
    { version: 1, schema: v1 },
    {
      version: 2,
      schema: v2,
      upcast: (previous: z.output<typeof v1>) => withoutRotation(previous),
    },
  ],
  partitionKey: serviceEventKey,
});

export type BrokerProvisionedPayload = z.output<typeof v2>;
