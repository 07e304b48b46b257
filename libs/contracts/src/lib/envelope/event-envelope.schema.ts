import { z } from 'zod';
import { eventActorSchema } from './event-actor.schema';

/**
 * The envelope every Enclave event travels in. Payloads are versioned per event type; the envelope
 * itself is stable, so consumers can always read enough of an event to dead-letter it with a reason.
 */
export const eventEnvelopeSchema = z
  .object({
    id: z.string().uuid(),
    type: z.string().min(1).max(120),
    version: z.number().int().positive(),
    tenantId: z.string().min(1).max(120),
    correlationId: z.string().uuid(),
    causationId: z.string().uuid().nullable(),
    occurredAt: z.string().datetime({ offset: true }),
    producer: z.string().min(1).max(120),
    // Absent on events written before actors were recorded, and on events nobody in particular caused.
    actor: eventActorSchema.optional(),
    payload: z.unknown(),
  })
  .strict();

export type RawEventEnvelope = z.infer<typeof eventEnvelopeSchema>;

export interface EventEnvelope<TPayload = unknown> extends Omit<RawEventEnvelope, 'payload'> {
  readonly payload: TPayload;
}
