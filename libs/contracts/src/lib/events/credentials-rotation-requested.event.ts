import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { serviceEventFields, serviceEventKey } from './service-event.fields';
import { Topics } from './topics';

const v1 = z
  .object({
    ...serviceEventFields,
    /** Names this rotation end to end; a repeated request with the same id rotates once. */
    rotationId: z.string().uuid(),
  })
  .strict();

/** An operator asked for new credentials for every resource of a ready registration. */
export const CredentialsRotationRequested = defineEvent({
  type: 'CredentialsRotationRequested',
  topic: Topics.CredentialsRotationRequested,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: serviceEventKey,
});

export type CredentialsRotationRequestedPayload = z.output<typeof v1>;
