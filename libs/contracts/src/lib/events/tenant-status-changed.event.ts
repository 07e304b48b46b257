import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { tenantIdSchema } from '../identifiers/tenant-id.schema';
import { Topics } from './topics';

export const tenantStatusSchema = z.enum(['active', 'suspended']);

export type TenantStatus = z.infer<typeof tenantStatusSchema>;

const v1 = z
  .object({
    tenantId: tenantIdSchema,
    status: tenantStatusSchema,
    /** The operator's reason for a suspension; null when active. */
    reason: z.string().max(500).nullable(),
    /** Monotonic per tenant: consumers keep the highest they have seen. */
    revision: z.number().int().positive(),
  })
  .strict();

/**
 * A tenant was suspended or resumed. Suspension keeps every resource and secret but products must
 * stop serving the tenant (403) until it is resumed.
 */
export const TenantStatusChanged = defineEvent({
  type: 'TenantStatusChanged',
  topic: Topics.TenantStatusChanged,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: (p) => p.tenantId,
});

export type TenantStatusChangedPayload = z.output<typeof v1>;
