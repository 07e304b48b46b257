import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import {
  atFirstProductVersion,
  carriedProductVersionSchema,
  resourceCredentialsSchema,
  serviceEventFields,
  serviceEventKey,
} from './service-event.fields';
import { Topics } from './topics';

const credentials = resourceCredentialsSchema;

const v1 = z.object({ ...serviceEventFields, credentials }).strict();

const v2 = z
  .object({
    ...serviceEventFields,
    credentials,
    /** Set when these are new versions replacing ready credentials; null for a first issue. */
    rotationId: z.string().uuid().nullable(),
  })
  .strict();

// v3: the product version whose manifest the provisioners apply
const v3 = v2.extend({ productVersion: carriedProductVersionSchema });

/**
 * Credentials for each required resource are in the vault; only their references travel. v2 tells a
 * rotation from a first issue, so stages can re-apply passwords and the aggregator can say when a
 * rotation is complete; v1 events are first issues.
 */
export const CredentialsIssued = defineEvent({
  type: 'CredentialsIssued',
  topic: Topics.CredentialsIssued,
  versions: [
    { version: 1, schema: v1 },
    {
      version: 2,
      schema: v2,
      upcast: (previous: z.output<typeof v1>) => ({ ...previous, rotationId: null }),
    },
    {
      version: 3,
      schema: v3,
      upcast: (previous: z.output<typeof v2>) => atFirstProductVersion(previous),
    },
  ],
  partitionKey: serviceEventKey,
});

export type CredentialsIssuedPayload = z.output<typeof v3>;
