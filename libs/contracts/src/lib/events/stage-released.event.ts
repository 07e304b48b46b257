import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { serviceEventFields, serviceEventKey, stageSchema } from './service-event.fields';
import { Topics } from './topics';

const v1 = z.object({ ...serviceEventFields, stage: stageSchema }).strict();

/** A stage removed everything it had made for a registration being deprovisioned (or had none). */
export const StageReleased = defineEvent({
  type: 'StageReleased',
  topic: Topics.StageReleased,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: serviceEventKey,
});

export type StageReleasedPayload = z.output<typeof v1>;
