import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { resourceKindSchema } from '../identifiers/resource-kind.schema';
import { serviceEventFields, serviceEventKey } from './service-event.fields';
import { Topics } from './topics';

const v1 = z
  .object({
    ...serviceEventFields,
    /** The resources fixed at registration: what each stage has to remove. */
    resources: z.array(resourceKindSchema).min(1),
  })
  .strict();

/**
 * An operator offboarded a product from a tenant: every stage removes what it made for this
 * registration (database or schema and role, Mongo database and user, vhost and user, secrets, the
 * schema-version record) and says so with StageReleased.
 */
export const ServiceDeprovisionRequested = defineEvent({
  type: 'ServiceDeprovisionRequested',
  topic: Topics.ServiceDeprovisionRequested,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: serviceEventKey,
});

export type ServiceDeprovisionRequestedPayload = z.output<typeof v1>;
