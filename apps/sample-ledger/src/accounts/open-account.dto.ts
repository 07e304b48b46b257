import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { accountAliasSchema } from './account-alias.schema';

export const openAccountSchema = z
  .object({
    alias: accountAliasSchema,
    assetCode: z
      .string()
      .regex(/^[A-Z][A-Z0-9]{2,9}$/, 'assetCode: 3-10 uppercase letters or digits, e.g. BRL'),
    /** Decimal places of the asset, used when the asset is first seen. */
    scale: z.number().int().min(0).max(18).default(2),
  })
  .strict();

export class OpenAccountDto extends createZodDto(openAccountSchema) {}
