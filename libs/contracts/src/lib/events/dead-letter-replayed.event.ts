import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { deadLetterEventKey, deadLetterResolutionFields } from './dead-letter-resolution.fields';
import { Topics } from './topics';

const v1 = z.object(deadLetterResolutionFields).strict();

/**
 * An operator replayed a dead letter after dealing with its cause: the original event went back onto
 * its topic, for the consumer group that had given up on it to handle once more.
 */
export const DeadLetterReplayed = defineEvent({
  type: 'DeadLetterReplayed',
  topic: Topics.DeadLetterReplayed,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: deadLetterEventKey,
});

export type DeadLetterReplayedPayload = z.output<typeof v1>;
