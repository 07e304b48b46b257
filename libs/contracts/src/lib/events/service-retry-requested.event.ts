import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { serviceEventKey, serviceRetryFields } from './service-event.fields';
import { Topics } from './topics';

const v1 = z.object(serviceRetryFields).strict();

/** An operator asked to provision a Failed registration again, once its cause was dealt with. */
export const ServiceRetryRequested = defineEvent({
  type: 'ServiceRetryRequested',
  topic: Topics.ServiceRetryRequested,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: serviceEventKey,
});

export type ServiceRetryRequestedPayload = z.output<typeof v1>;
