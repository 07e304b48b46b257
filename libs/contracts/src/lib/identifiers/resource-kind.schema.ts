import { z } from 'zod';

/** The infrastructure a product can ask for. */
export const resourceKindSchema = z.enum(['postgres', 'mongodb', 'rabbitmq']);

export type ResourceKind = z.infer<typeof resourceKindSchema>;
