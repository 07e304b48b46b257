import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { productNameSchema } from '../identifiers/product-name.schema';
import { tenantIdSchema } from '../identifiers/tenant-id.schema';
import { Topics } from './topics';

const v1 = z
  .object({
    tenantId: tenantIdSchema,
    /** Every product the tenant ever had registered; each was deprovisioned and is `deleted`. */
    products: z.array(productNameSchema).max(1000),
    /** The operator's reason for offboarding the tenant, if one was given. */
    reason: z.string().max(500).nullable(),
    /** When the offboarding was asked for (ISO 8601). */
    requestedAt: z.string().datetime({ offset: true }),
  })
  .strict();

/**
 * A whole tenant was offboarded: every registration of it was deprovisioned by every stage, so none
 * of its databases, schemas, roles, vhosts, users or secrets is left on any server. The tenant is
 * kept as `deleted` (its record and history), and its id is never given out again.
 */
export const TenantOffboarded = defineEvent({
  type: 'TenantOffboarded',
  topic: Topics.TenantOffboarded,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: (p) => p.tenantId,
});

export type TenantOffboardedPayload = z.output<typeof v1>;
