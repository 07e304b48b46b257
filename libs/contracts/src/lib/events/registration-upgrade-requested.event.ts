import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { resourceKindSchema } from '../identifiers/resource-kind.schema';
import { productVersionSchema } from '../products/product-version.schema';
import {
  resourceCredentialsSchema,
  serviceEventFields,
  serviceEventKey,
} from './service-event.fields';
import { Topics } from './topics';

const v1 = z
  .object({
    ...serviceEventFields,
    rolloutId: z.string().uuid(),
    fromVersion: productVersionSchema,
    toVersion: productVersionSchema,
    /** The resources fixed at registration: which stages have something to bring forward. */
    resources: z.array(resourceKindSchema).min(1),
    /** The vault references in force, for the stages that log in as the tenant. */
    credentials: resourceCredentialsSchema,
  })
  .strict();

/**
 * A rollout brings one Ready registration to a newer product version: the migration-runner applies
 * the new migrations, the mongo and broker provisioners the new collections, indexes, topology and
 * limits. Each answers StageUpgraded or StageUpgradeFailed.
 */
export const RegistrationUpgradeRequested = defineEvent({
  type: 'RegistrationUpgradeRequested',
  topic: Topics.RegistrationUpgradeRequested,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: serviceEventKey,
});

export type RegistrationUpgradeRequestedPayload = z.output<typeof v1>;
