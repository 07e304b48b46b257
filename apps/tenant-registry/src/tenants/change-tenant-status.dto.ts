import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const suspendTenantSchema = z
  .object({ reason: z.string().trim().min(1).max(500).describe('Why, for the audit trail.') })
  .strict();

export class SuspendTenantDto extends createZodDto(suspendTenantSchema) {}
