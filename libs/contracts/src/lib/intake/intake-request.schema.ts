import { z } from 'zod';
import { tenantIdSchema } from '../identifiers/tenant-id.schema';
import { createTenantRequestSchema } from './create-tenant-request.schema';
import { intakePublisherNameSchema } from './intake-topics';
import { offboardTenantRequestSchema } from './offboard-tenant-request.schema';
import { registerServiceRequestSchema } from './register-service-request.schema';
import { suspendTenantRequestSchema } from './suspend-tenant-request.schema';

/** Fields every intake request carries: the id its reply is correlated by, and who published it. */
const requestFields = {
  /** Chosen by the publisher; re-publishing the same id is answered the same way and acts once. */
  requestId: z.string().uuid(),
  /** Must match the publisher of the topic it was read from (the broker's ACLs vouch for the topic). */
  publisher: intakePublisherNameSchema,
};

/**
 * What an upstream publisher (a signup service, a product's back office) asks the registry for on its
 * intake requests topic, discriminated by `kind`. The request bodies are the admin API's own schemas.
 */
export const intakeRequestSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('create-tenant'),
      ...requestFields,
      tenant: createTenantRequestSchema,
    })
    .strict(),
  z
    .object({
      kind: z.literal('register-service'),
      ...requestFields,
      tenantId: tenantIdSchema,
      registration: registerServiceRequestSchema,
    })
    .strict(),
  z
    .object({
      kind: z.literal('suspend-tenant'),
      ...requestFields,
      tenantId: tenantIdSchema,
      suspension: suspendTenantRequestSchema,
    })
    .strict(),
  // The admin API's resume takes no body either.
  z
    .object({
      kind: z.literal('resume-tenant'),
      ...requestFields,
      tenantId: tenantIdSchema,
    })
    .strict(),
  // Every registration, then the tenant itself; the admin API's body is optional, and so is this one.
  z
    .object({
      kind: z.literal('offboard-tenant'),
      ...requestFields,
      tenantId: tenantIdSchema,
      offboarding: offboardTenantRequestSchema,
    })
    .strict(),
]);

export type IntakeRequest = z.output<typeof intakeRequestSchema>;
export type IntakeRequestInput = z.input<typeof intakeRequestSchema>;
export type IntakeRequestKind = IntakeRequest['kind'];
