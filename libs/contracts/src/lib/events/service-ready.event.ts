import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { serviceEventFields, serviceEventKey, stageSchema } from './service-event.fields';
import { Topics } from './topics';

const v1 = z
  .object({
    ...serviceEventFields,
    schemaVersion: z.number().int().nonnegative().nullable(),
    /** Milliseconds from registration to each stage's completion. */
    stageTimings: z.record(stageSchema, z.number().nonnegative()),
  })
  .strict();

/** Every required stage is done: products may serve this tenant. */
export const ServiceReady = defineEvent({
  type: 'ServiceReady',
  topic: Topics.ServiceReady,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: serviceEventKey,
});

export type ServiceReadyPayload = z.output<typeof v1>;
