import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import {
  atFirstProductVersion,
  carriedProductVersionSchema,
  serviceEventKey,
  serviceRetryFields,
} from './service-event.fields';
import { Topics } from './topics';

const v1 = z.object(serviceRetryFields).strict();

// v2: the version the registration is provisioned at
const v2 = v1.extend({ productVersion: carriedProductVersionSchema });

/** An operator asked to provision a Failed registration again, once its cause was dealt with. */
export const ServiceRetryRequested = defineEvent({
  type: 'ServiceRetryRequested',
  topic: Topics.ServiceRetryRequested,
  versions: [
    { version: 1, schema: v1 },
    {
      version: 2,
      schema: v2,
      upcast: (previous: z.output<typeof v1>) => atFirstProductVersion(previous),
    },
  ],
  partitionKey: serviceEventKey,
});

export type ServiceRetryRequestedPayload = z.output<typeof v2>;
