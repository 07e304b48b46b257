import { z } from 'zod';

/**
 * Who set a chain of events going: a named operator (an admin API token), an upstream publisher (an
 * authenticated intake principal) or the platform itself (a rollout, a retry policy). Events caused by
 * another event inherit its actor, so every step of a registration says on whose behalf it ran.
 */
export const eventActorSchema = z
  .object({
    kind: z.enum(['operator', 'publisher', 'platform']),
    name: z.string().min(1).max(120),
  })
  .strict();

export type EventActor = z.infer<typeof eventActorSchema>;
