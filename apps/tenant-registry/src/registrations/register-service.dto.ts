import {
  isolationModeSchema,
  productNameSchema,
  registrationLimitsSchema,
} from '@enclave/contracts';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const registerServiceSchema = z
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

export class RegisterServiceDto extends createZodDto(registerServiceSchema) {}
