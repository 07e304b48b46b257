import { tenantIdSchema } from '@enclave/contracts';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

/** The list's query, checked like a body: a cursor that is no tenant id, or a stray key, is 400. */
export const listTenantsSchema = z
  .object({
    after: tenantIdSchema.optional().describe('Return tenants whose id sorts after this one.'),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(500)
      .default(100)
      .describe('Page size, 1-500 (default 100).'),
  })
  .strict();

export class ListTenantsDto extends createZodDto(listTenantsSchema) {}
