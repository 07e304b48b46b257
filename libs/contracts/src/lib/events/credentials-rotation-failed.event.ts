import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { serviceEventFields, serviceEventKey } from './service-event.fields';
import { Topics } from './topics';

const v1 = z
  .object({
    ...serviceEventFields,
    rotationId: z.string().uuid(),
    /** `<stage>: <cause>` of the stage that gave up re-applying it, with credentials masked. */
    reason: z.string().min(1).max(2_100),
  })
  .strict();

/**
 * A stage gave up applying a rotation's credentials. The registration stays ready on the
 * credentials in force before it (products keep the versions they were handed); the rotation ends
 * here, and an operator may request a new one once the cause is fixed.
 */
export const CredentialsRotationFailed = defineEvent({
  type: 'CredentialsRotationFailed',
  topic: Topics.CredentialsRotationFailed,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: serviceEventKey,
});

export type CredentialsRotationFailedPayload = z.output<typeof v1>;
