import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { productVersionSchema } from '../products/product-version.schema';
import { serviceEventFields, serviceEventKey } from './service-event.fields';
import { Topics } from './topics';
import { upgradeStageSchema } from './upgrade-stage';

const v1 = z
  .object({
    ...serviceEventFields,
    rolloutId: z.string().uuid(),
    toVersion: productVersionSchema,
    stage: upgradeStageSchema,
    /** What this stage applied (migrations by label, or the collections / topology converged). */
    applied: z.array(z.string().max(200)).max(1_000),
    durationMs: z.number().int().nonnegative(),
  })
  .strict();

/** One stage brought its part of a registration to the rollout's version. */
export const StageUpgraded = defineEvent({
  type: 'StageUpgraded',
  topic: Topics.StageUpgraded,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: serviceEventKey,
});

export type StageUpgradedPayload = z.output<typeof v1>;
