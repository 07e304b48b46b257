import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { productNameSchema } from '../identifiers/product-name.schema';
import { productVersionSchema } from '../products/product-version.schema';
import { Topics } from './topics';

export const rolloutStateSchema = z.enum(['running', 'paused', 'completed', 'aborted']);

export type RolloutState = z.infer<typeof rolloutStateSchema>;

const counts = z
  .object({
    pending: z.number().int().nonnegative(),
    upgrading: z.number().int().nonnegative(),
    done: z.number().int().nonnegative(),
    skipped: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
  })
  .strict();

const v1 = z
  .object({
    rolloutId: z.string().uuid(),
    product: productNameSchema,
    targetVersion: productVersionSchema,
    state: rolloutStateSchema,
    /** Why: who paused or aborted it, the failures that spent the budget. */
    reason: z.string().max(2_000).nullable(),
    counts,
  })
  .strict();

/** A rollout started, paused, resumed, completed or was aborted: each step is said once. */
export const RolloutStateChanged = defineEvent({
  type: 'RolloutStateChanged',
  topic: Topics.RolloutStateChanged,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: (p) => p.product,
});

export type RolloutStateChangedPayload = z.output<typeof v1>;
export type RolloutCounts = z.output<typeof counts>;
