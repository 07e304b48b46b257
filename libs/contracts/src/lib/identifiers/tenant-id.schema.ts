import { z } from 'zod';

/**
 * A tenant id is the `tenantId` JWT claim and the seed of every resource name derived for the tenant,
 * so it is kept to a small, quoting-safe alphabet and short enough that derived PostgreSQL names stay
 * under 63 bytes.
 */
export const tenantIdSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/,
    'tenant id: 3-32 chars, lowercase letters, digits and dashes, starting with a letter',
  );

export type TenantId = z.infer<typeof tenantIdSchema>;
