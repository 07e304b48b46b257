import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { secretRefSchema, serviceEventFields, serviceEventKey } from './service-event.fields';
import { Topics } from './topics';

const v1 = z
  .object({
    ...serviceEventFields,
    credentials: z
      .object({ postgres: secretRefSchema, mongodb: secretRefSchema, rabbitmq: secretRefSchema })
      .partial()
      .strict(),
  })
  .strict();

/** Credentials for each required resource are in the vault; only their references travel. */
export const CredentialsIssued = defineEvent({
  type: 'CredentialsIssued',
  topic: Topics.CredentialsIssued,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: serviceEventKey,
});

export type CredentialsIssuedPayload = z.output<typeof v1>;
