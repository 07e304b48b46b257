import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { serviceEventFields, serviceEventKey, stageSchema } from './service-event.fields';
import { Topics } from './topics';

const v1 = z
  .object({
    ...serviceEventFields,
    stage: stageSchema,
    /** Human-readable cause, with any credentials masked. */
    reason: z.string().max(2_000),
  })
  .strict();

/** A stage gave up for good on a registration (after its retries, or at once for permanent errors). */
export const StageFailed = defineEvent({
  type: 'StageFailed',
  topic: Topics.StageFailed,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: serviceEventKey,
});

export type StageFailedPayload = z.output<typeof v1>;
