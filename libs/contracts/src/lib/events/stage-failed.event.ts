import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import {
  reportRotationIdSchema,
  serviceEventFields,
  serviceEventKey,
  stageSchema,
  withoutRotation,
} from './service-event.fields';
import { Topics } from './topics';

const v1 = z
  .object({
    ...serviceEventFields,
    stage: stageSchema,
    /** Human-readable cause, with any credentials masked. */
    reason: z.string().max(2_000),
  })
  .strict();

// v2: a report says which rotation it belongs to, instead of the aggregator matching causation.
const v2 = v1.extend({ rotationId: reportRotationIdSchema });

/** A stage gave up for good on a registration (after its retries, or at once for permanent errors). */
export const StageFailed = defineEvent({
  type: 'StageFailed',
  topic: Topics.StageFailed,
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

export type StageFailedPayload = z.output<typeof v2>;
