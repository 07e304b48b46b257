import { isolationModeSchema, tenantIdSchema } from '@enclave/contracts';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

/** The per-product listing's query, checked like a body: a stray key or a bad value is 400. */
export const listProductRegistrationsSchema = z
  .object({
    state: z
      .enum(['provisioning', 'ready', 'failed', 'deprovisioning', 'deleted'])
      .optional()
      .describe('Only registrations in this state.'),
    isolationMode: isolationModeSchema.optional().describe('Only this isolation mode.'),
    tenant: z
      .string()
      .min(1)
      .max(32)
      .regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and dashes')
      .optional()
      .describe('Only tenants whose id starts with this.'),
    after: tenantIdSchema
      .optional()
      .describe('Return registrations whose tenant id sorts after this one.'),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(500)
      .default(50)
      .describe('Page size, 1-500 (default 50).'),
  })
  .strict();

export class ListProductRegistrationsDto extends createZodDto(listProductRegistrationsSchema) {}
