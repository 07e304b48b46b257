import { tenantIdSchema } from '@enclave/contracts';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const createTenantSchema = z
  .object({
    id: tenantIdSchema.describe('The tenant id: the value of the tenantId JWT claim.'),
    displayName: z.string().trim().min(1).max(200),
    metadata: z
      .record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/), z.string().max(500))
      .refine((m) => Object.keys(m).length <= 50, 'at most 50 metadata entries')
      .default({}),
  })
  .strict();

export class CreateTenantDto extends createZodDto(createTenantSchema) {}
