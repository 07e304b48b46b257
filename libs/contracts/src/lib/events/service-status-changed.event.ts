import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { serviceEventFields, serviceEventKey, stageSchema } from './service-event.fields';
import { Topics } from './topics';

export const serviceStateSchema = z.enum(['provisioning', 'ready', 'failed']);

export type ServiceState = z.infer<typeof serviceStateSchema>;

export const stageConditionSchema = z
  .object({
    stage: stageSchema,
    status: z.enum(['pending', 'done', 'failed']),
    reason: z.string().max(2_000).nullable(),
    completedAt: z.string().datetime({ offset: true }).nullable(),
    /** From registration to completion. */
    durationMs: z.number().nonnegative().nullable(),
  })
  .strict();

export type StageCondition = z.infer<typeof stageConditionSchema>;

const v1 = z
  .object({
    ...serviceEventFields,
    state: serviceStateSchema,
    conditions: z.array(stageConditionSchema),
    /** Monotonic per registration: consumers keep the highest they have seen. */
    revision: z.number().int().positive(),
  })
  .strict();

/** The aggregator's view of one registration, published on every change for read models. */
export const ServiceStatusChanged = defineEvent({
  type: 'ServiceStatusChanged',
  topic: Topics.ServiceStatusChanged,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: serviceEventKey,
});

export type ServiceStatusChangedPayload = z.output<typeof v1>;
