import { isolationModeSchema, productNameSchema } from '@enclave/contracts';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const registerServiceSchema = z
  .object({
    product: productNameSchema.describe('A product of the catalog (GET /v1/products).'),
    isolationMode: isolationModeSchema
      .optional()
      .describe("Defaults to the product's own default."),
  })
  .strict();

export class RegisterServiceDto extends createZodDto(registerServiceSchema) {}
