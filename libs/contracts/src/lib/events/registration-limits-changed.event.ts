import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { resourceKindSchema } from '../identifiers/resource-kind.schema';
import { registrationLimitsSchema } from '../limits/registration-limits.schema';
import { productVersionSchema } from '../products/product-version.schema';
import { serviceEventFields, serviceEventKey } from './service-event.fields';
import { Topics } from './topics';

const v1 = z
  .object({
    ...serviceEventFields,
    /**
     * The registration's limits revision after this change (ServiceRegistered is revision 0). A stage
     * applies a change only when it is newer than the one it applied, so a repeated or late change
     * never overrides a newer one.
     */
    revision: z.number().int().positive(),
    /** The limits in force from now on, whole: a field left out is back to its default. */
    limits: registrationLimitsSchema,
    /** The version whose manifest gives the defaults (RabbitMQ limits). */
    productVersion: productVersionSchema,
    /** The resources fixed at registration: which stages have limits to apply. */
    resources: z.array(resourceKindSchema).min(1),
  })
  .strict();

/**
 * An operator changed a Ready registration's resource limits: the PostgreSQL provisioner sets the
 * role's connection limit and statement timeout, the broker provisioner the vhost's limits.
 */
export const RegistrationLimitsChanged = defineEvent({
  type: 'RegistrationLimitsChanged',
  topic: Topics.RegistrationLimitsChanged,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: serviceEventKey,
});

export type RegistrationLimitsChangedPayload = z.output<typeof v1>;
