import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const offboardTenantSchema = z
  .object({
    reason: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .optional()
      .describe('Why, for the audit trail (kept on the tenant and in TenantOffboarded).'),
  })
  .strict()
  // The body is optional: a bare POST offboards without a reason.
  .default({});

export class OffboardTenantDto extends createZodDto(offboardTenantSchema) {}
