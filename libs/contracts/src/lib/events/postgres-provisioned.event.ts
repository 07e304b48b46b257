import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { secretRefSchema, serviceEventFields, serviceEventKey } from './service-event.fields';
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

export const PostgresProvisioned = defineEvent({
  type: 'PostgresProvisioned',
  topic: Topics.PostgresProvisioned,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: serviceEventKey,
});

export type PostgresProvisionedPayload = z.output<typeof v1>;
