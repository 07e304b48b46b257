import { z } from 'zod';

/**
 * A request to suspend a tenant, as the admin API (POST /v1/tenants/{id}/suspend) and the intake topics
 * both accept it: one definition, so both doors refuse exactly the same input.
 */
export const suspendTenantRequestSchema = z
  .object({ reason: z.string().trim().min(1).max(500).describe('Why, for the audit trail.') })
  .strict();

export type SuspendTenantRequest = z.output<typeof suspendTenantRequestSchema>;
