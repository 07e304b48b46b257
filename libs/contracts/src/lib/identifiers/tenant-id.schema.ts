import { z } from 'zod';

/**
 * A tenant id is the `tenantId` JWT claim and the seed of every resource name derived for the
 * tenant. So it is kept to a small, quoting-safe alphabet, short enough that derived PostgreSQL
 * names stay under 63 bytes, and without doubled dashes (derived names use `__` between tenant and
 * product).
 */
export const tenantIdSchema = z
  .string()
  .min(3)
  .max(32)
  .regex(
    /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/,
    'tenant id: 3-32 chars, lowercase letters, digits and single dashes, starting with a letter',
  );

export type TenantId = z.infer<typeof tenantIdSchema>;
