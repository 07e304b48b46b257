import { z } from 'zod';
import { isolationModeSchema } from '../identifiers/isolation-mode.schema';
import { productNameSchema } from '../identifiers/product-name.schema';
import { resourceKindSchema } from '../identifiers/resource-kind.schema';
import { tenantIdSchema } from '../identifiers/tenant-id.schema';
import { productVersionSchema } from '../products/product-version.schema';

/** Fields every event about one (tenant, service) registration carries; its key is tenant/product. */
export const serviceEventFields = {
  tenantId: tenantIdSchema,
  registrationId: z.string().uuid(),
  product: productNameSchema,
  isolationMode: isolationModeSchema,
};

/** Names one registration: what every stage needs to act on it and to report about it. */
export type RegistrationRef = z.infer<z.ZodObject<typeof serviceEventFields>>;

/** What a retry of a Failed registration carries, from its request to the stages that run again. */
export const serviceRetryFields = {
  ...serviceEventFields,
  /**
   * The registration's retry count after this request (1 for the first retry). A Failed
   * registration is reopened only for a retry newer than the last taken, so a repeated or replayed
   * request reopens nothing.
   */
  retry: z.number().int().positive(),
  /** The resources fixed at registration, so the stages that run again need nothing else. */
  resources: z.array(resourceKindSchema).min(1),
};

/**
 * On a stage's report: the rotation whose credentials it applied (or failed to apply), from the
 * CredentialsIssued it acted on; null for a first provisioning or a retry.
 */
export const reportRotationIdSchema = z.string().uuid().nullable();

/**
 * The product version a registration is provisioned at, carried from registration through every
 * stage that reads the manifest. null: written before events named it, when every registration
 * was at its product's first version.
 */
export const carriedProductVersionSchema = productVersionSchema.nullable();

/** Lifts an event written before it named the product version: it was the first one. */
export const atFirstProductVersion = <P extends object>(
  previous: P,
): P & { productVersion: null } => ({ ...previous, productVersion: null });

/** Lifts a stage report written before it carried `rotationId`: it cannot say, so it names none. */
export const withoutRotation = <P extends object>(previous: P): P & { rotationId: null } => ({
  ...previous,
  rotationId: null,
});

export const serviceEventKey = (p: { tenantId: string; product: string }): string =>
  `${p.tenantId}/${p.product}`;

/** A pointer to a secret in the vault: events carry this, never the secret. */
export const secretRefSchema = z
  .object({ path: z.string().min(1).max(300), version: z.number().int().positive() })
  .strict();

export type SecretRef = z.infer<typeof secretRefSchema>;

/** One vault reference per resource a registration uses (only those it uses are present). */
export const resourceCredentialsSchema = z
  .object({ postgres: secretRefSchema, mongodb: secretRefSchema, rabbitmq: secretRefSchema })
  .partial()
  .strict();

export const stageSchema = z.enum(['credentials', 'postgres', 'mongodb', 'rabbitmq', 'migrations']);

export type Stage = z.infer<typeof stageSchema>;
