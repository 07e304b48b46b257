import { z } from 'zod';

/**
 * A request to offboard a whole tenant, as the admin API (POST /v1/tenants/{id}/offboard) and the intake
 * topics both accept it: one definition, so both doors refuse exactly the same input.
 */
export const offboardTenantRequestSchema = z
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

export type OffboardTenantRequest = z.output<typeof offboardTenantRequestSchema>;
