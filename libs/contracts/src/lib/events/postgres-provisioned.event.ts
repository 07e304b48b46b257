import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import {
  atFirstProductVersion,
  carriedProductVersionSchema,
  reportRotationIdSchema,
  secretRefSchema,
  serviceEventFields,
  serviceEventKey,
  withoutRotation,
} from './service-event.fields';
import { Topics } from './topics';

const v1 = z
  .object({
    ...serviceEventFields,
    database: z.string(),
    schema: z.string(),
    role: z.string(),
    credentials: secretRefSchema,
  })
  .strict();

// v2: a report says which rotation it belongs to, instead of the aggregator matching causation.
const v2 = v1.extend({ rotationId: reportRotationIdSchema });

// v3: the product version whose migrations the migration-runner applies
const v3 = v2.extend({ productVersion: carriedProductVersionSchema });

export const PostgresProvisioned = defineEvent({
  type: 'PostgresProvisioned',
  topic: Topics.PostgresProvisioned,
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
      upcast: (previous: z.output<typeof v2>) => atFirstProductVersion(previous),
    },
  ],
  partitionKey: serviceEventKey,
});

export type PostgresProvisionedPayload = z.output<typeof v3>;
