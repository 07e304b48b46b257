import { z } from 'zod';

/**
 * What an operator's action on a dead letter records: which letter (the registry's id for it), what
 * had failed where (the event, its logical topic, the consumer group that gave up) and why the operator
 * acted. Who acted is the envelope's `actor`.
 */
export const deadLetterResolutionFields = {
  deadLetterId: z.string().uuid(),
  /** The logical topic the event was consumed from (no environment prefix). */
  sourceTopic: z.string().min(1).max(249),
  /** The consumer group that dead-lettered it. */
  consumerGroup: z.string().min(1).max(255),
  /** The dead-lettered event's id and type; null when it could not even be decoded. */
  eventId: z.string().uuid().nullable(),
  eventType: z.string().min(1).max(120).nullable(),
  /** Why the consumer gave up (the dead letter's cause). */
  cause: z.string().max(2_000),
  /** The operator's reason for replaying or discarding it. */
  reason: z.string().min(1).max(500),
};

/** Dead-letter events are keyed per letter: one letter's replay or discard is said once. */
export const deadLetterEventKey = (p: { deadLetterId: string }): string => p.deadLetterId;
