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

/**
 * The aggregator reopened a Failed registration (its failed stages are pending again): every stage
 * runs once more from credentials, each idempotent, so what was already made is kept. Published
 * after the reopening commits, so every outcome of the new attempt finds the registration open.
 */
export const ServiceRetryStarted = defineEvent({
  type: 'ServiceRetryStarted',
  topic: Topics.ServiceRetryStarted,
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

export type ServiceRetryStartedPayload = z.output<typeof v2>;
