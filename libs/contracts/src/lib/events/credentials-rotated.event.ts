import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import {
  resourceCredentialsSchema,
  serviceEventFields,
  serviceEventKey,
} from './service-event.fields';
import { Topics } from './topics';

const v1 = z
  .object({
    ...serviceEventFields,
    rotationId: z.string().uuid(),
    /** The vault versions every resource now accepts; older ones are refused from here on. */
    credentials: resourceCredentialsSchema,
  })
  .strict();

/**
 * Every resource of the registration has applied the rotated credentials: products drop connections
 * opened with the old ones (after their requests finish) and read the new ones from the vault.
 */
export const CredentialsRotated = defineEvent({
  type: 'CredentialsRotated',
  topic: Topics.CredentialsRotated,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: serviceEventKey,
});

export type CredentialsRotatedPayload = z.output<typeof v1>;
