import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import {
  reportRotationIdSchema,
  serviceEventFields,
  serviceEventKey,
  withoutRotation,
} from './service-event.fields';
import { Topics } from './topics';

const v1 = z
  .object({
    ...serviceEventFields,
    database: z.string(),
    user: z.string(),
    /** `unsupported-by-server`: the server has no user management (said, never hidden). */
    userManagement: z.enum(['enforced', 'unsupported-by-server']),
    collections: z.number().int().nonnegative(),
  })
  .strict();

// v2: a report says which rotation it belongs to, instead of the aggregator matching causation.
const v2 = v1.extend({ rotationId: reportRotationIdSchema });

export const MongoProvisioned = defineEvent({
  type: 'MongoProvisioned',
  topic: Topics.MongoProvisioned,
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

export type MongoProvisionedPayload = z.output<typeof v2>;
