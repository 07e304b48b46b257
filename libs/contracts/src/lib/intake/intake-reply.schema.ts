import { z } from 'zod';
import { productNameSchema } from '../identifiers/product-name.schema';
import { tenantIdSchema } from '../identifiers/tenant-id.schema';

/**
 * The registry's answer to one intake request, on the publisher's replies topic, so a publisher never
 * has to read logs: accepted, or rejected with the reason the admin API would have given.
 */
export const intakeReplySchema = z
  .object({
    requestId: z.string().uuid(),
    status: z.enum(['accepted', 'rejected']),
    reason: z.string().min(1).max(2000).optional(),
    /** Absent only when the request was too broken to name a valid tenant. */
    tenantId: tenantIdSchema.optional(),
    product: productNameSchema.optional(),
  })
  .strict()
  .refine((r) => r.status !== 'rejected' || r.reason !== undefined, {
    message: 'a rejected request says why',
    path: ['reason'],
  });

export type IntakeReply = z.output<typeof intakeReplySchema>;
