import { productNameSchema } from '@enclave/contracts';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

/** The history's query, checked like a body: a stray key or an impossible value is 400. */
export const tenantHistoryQuerySchema = z
  .object({
    product: productNameSchema.optional().describe('Only entries about this product.'),
    kind: z
      .string()
      .regex(/^[A-Z][A-Za-z]{1,79}$/, 'must be an entry kind, e.g. ServiceReady')
      .optional()
      .describe('Only entries of this kind (an event type, or TenantSuspended / TenantResumed).'),
    after: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,200}$/, 'must be the `next` of a previous page')
      .optional()
      .describe('Cursor: the `next` of the previous page.'),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(500)
      .default(100)
      .describe('Page size, 1-500 (default 100).'),
  })
  .strict();

export class TenantHistoryQueryDto extends createZodDto(tenantHistoryQuerySchema) {}
