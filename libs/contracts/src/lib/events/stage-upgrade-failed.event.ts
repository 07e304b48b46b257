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
    /** Human-readable cause, credentials masked. The registration stays whole at its version. */
    reason: z.string().max(2_000),
  })
  .strict();

/** One stage gave up bringing a registration to the rollout's version (after its retries). */
export const StageUpgradeFailed = defineEvent({
  type: 'StageUpgradeFailed',
  topic: Topics.StageUpgradeFailed,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: serviceEventKey,
});

export type StageUpgradeFailedPayload = z.output<typeof v1>;
