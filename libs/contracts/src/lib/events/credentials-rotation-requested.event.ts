import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import {
  atFirstProductVersion,
  carriedProductVersionSchema,
  serviceEventFields,
  serviceEventKey,
} from './service-event.fields';
import { Topics } from './topics';

const v1 = z
  .object({
    ...serviceEventFields,
    /** Names this rotation end to end; a repeated request with the same id rotates once. */
    rotationId: z.string().uuid(),
  })
  .strict();

// v2: the version the registration is at, for the stages that re-apply credentials
const v2 = v1.extend({ productVersion: carriedProductVersionSchema });

/** An operator asked for new credentials for every resource of a ready registration. */
export const CredentialsRotationRequested = defineEvent({
  type: 'CredentialsRotationRequested',
  topic: Topics.CredentialsRotationRequested,
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

export type CredentialsRotationRequestedPayload = z.output<typeof v2>;
