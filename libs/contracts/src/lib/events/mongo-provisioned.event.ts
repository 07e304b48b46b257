import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { serviceEventFields, serviceEventKey } from './service-event.fields';
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

export const MongoProvisioned = defineEvent({
  type: 'MongoProvisioned',
  topic: Topics.MongoProvisioned,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: serviceEventKey,
});

export type MongoProvisionedPayload = z.output<typeof v1>;
