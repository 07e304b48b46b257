import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { serviceEventFields, serviceEventKey } from './service-event.fields';
import { Topics } from './topics';

const v1 = z
  .object({
    ...serviceEventFields,
    schemaVersion: z.number().int().nonnegative(),
    applied: z.array(z.string()),
  })
  .strict();

export const MigrationsApplied = defineEvent({
  type: 'MigrationsApplied',
  topic: Topics.MigrationsApplied,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: serviceEventKey,
});

export type MigrationsAppliedPayload = z.output<typeof v1>;
