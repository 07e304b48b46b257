import { z } from 'zod';
import { defineEvent } from '../catalog/event-definition';
import { tenantIdSchema } from '../identifiers/tenant-id.schema';
import { Topics } from './topics';

const v1 = z
  .object({
    tenantId: tenantIdSchema,
    displayName: z.string().min(1).max(200),
    metadata: z.record(z.string().max(500)).default({}),
  })
  .strict();

/** A tenant exists as an identity; no infrastructure is attached yet. */
export const TenantCreated = defineEvent({
  type: 'TenantCreated',
  topic: Topics.TenantCreated,
  versions: [{ version: 1, schema: v1 }],
  partitionKey: (p) => p.tenantId,
});

export type TenantCreatedPayload = z.output<typeof v1>;
