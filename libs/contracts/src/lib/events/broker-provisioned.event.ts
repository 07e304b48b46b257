import { z } from 'zod';
import { rabbitMqIsolationSchema } from '../identifiers/rabbitmq-isolation.schema';
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

// v3: which isolation level the tenant has; `prefix` names its exchanges and queues in a shared
// vhost (null in its own vhost). Reports before v3 were all of a vhost per tenant.
const v3 = v2.extend({
  isolation: rabbitMqIsolationSchema,
  prefix: z.string().min(1).nullable(),
});

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
    {
      version: 3,
      schema: v3,
      upcast: (previous: z.output<typeof v2>) => ({
        ...previous,
        isolation: 'VHOST' as const,
        prefix: null,
      }),
    },
  ],
  partitionKey: serviceEventKey,
});

export type BrokerProvisionedPayload = z.output<typeof v3>;
