import { z } from 'zod';
import { isolationModeSchema } from '../identifiers/isolation-mode.schema';
import { productNameSchema } from '../identifiers/product-name.schema';
import { registrationLimitsSchema } from '../limits/registration-limits.schema';

/**
 * A request to register a product for a tenant, as the admin API (POST /v1/tenants/{id}/services) and
 * the intake topics both accept it: one definition, so both doors refuse exactly the same input.
 */
export const registerServiceRequestSchema = z
  .object({
    product: productNameSchema.describe('A product of the catalog (GET /v1/products).'),
    isolationMode: isolationModeSchema
      .optional()
      .describe("Defaults to the product's own default."),
    limits: registrationLimitsSchema
      .optional()
      .describe(
        "The registration's own resource limits; each one left out keeps its default. Ignored when already registered (change them with PUT …/limits).",
      ),
  })
  .strict();

export type RegisterServiceRequest = z.output<typeof registerServiceRequestSchema>;
