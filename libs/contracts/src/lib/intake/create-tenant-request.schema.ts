import { z } from 'zod';
import { tenantIdSchema } from '../identifiers/tenant-id.schema';

/**
 * A request to create a tenant, as the admin API (POST /v1/tenants) and the intake topics both accept
 * it: one definition, so both doors refuse exactly the same input.
 */
export const createTenantRequestSchema = z
  .object({
    id: tenantIdSchema.describe('The tenant id: the value of the tenantId JWT claim.'),
    displayName: z.string().trim().min(1).max(200),
    metadata: z
      .record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/), z.string().max(500))
      .refine((m) => Object.keys(m).length <= 50, 'at most 50 metadata entries')
      .default({}),
  })
  .strict();

export type CreateTenantRequest = z.output<typeof createTenantRequestSchema>;
