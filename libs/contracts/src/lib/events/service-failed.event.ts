import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { serviceEventFields, serviceEventKey, stageSchema } from './service-event.fields';
import { Topics } from './topics';

const v1 = z
  .object({ ...serviceEventFields, stage: stageSchema, reason: z.string().max(2_000) })
  .strict();

export const ServiceFailed = defineEvent({
  type: 'ServiceFailed',
  topic: Topics.ServiceFailed,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: serviceEventKey,
});

export type ServiceFailedPayload = z.output<typeof v1>;
