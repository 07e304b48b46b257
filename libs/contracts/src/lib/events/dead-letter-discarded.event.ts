import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { deadLetterEventKey, deadLetterResolutionFields } from './dead-letter-resolution.fields';
import { Topics } from './topics';

const v1 = z.object(deadLetterResolutionFields).strict();

/** An operator discarded a dead letter: it will never be handled, and leaves the open list. */
export const DeadLetterDiscarded = defineEvent({
  type: 'DeadLetterDiscarded',
  topic: Topics.DeadLetterDiscarded,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: deadLetterEventKey,
});

export type DeadLetterDiscardedPayload = z.output<typeof v1>;
