import { productVersionSchema, tenantIdSchema } from '@enclave/contracts';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const startRolloutSchema = z
  .object({
    targetVersion: productVersionSchema.describe('A published version of the product.'),
    canary: z
      .union([
        z.object({ tenants: z.array(tenantIdSchema).min(1).max(100) }).strict(),
        z.object({ count: z.number().int().min(1).max(100) }).strict(),
      ])
      .optional()
      .describe('Tenants that go first: named, or a count (the first by tenant id).'),
    concurrency: z.number().int().min(1).max(256).default(8),
    failureBudget: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('How many tenants may fail before the rollout pauses itself.'),
  })
  .strict();

export class StartRolloutDto extends createZodDto(startRolloutSchema) {}
