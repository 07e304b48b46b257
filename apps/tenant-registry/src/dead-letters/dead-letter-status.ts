import { z } from 'zod';

/** `open` until an operator replays or discards it; either is final. */
export const deadLetterStatusSchema = z.enum(['open', 'replayed', 'discarded']);

export type DeadLetterStatus = z.infer<typeof deadLetterStatusSchema>;
