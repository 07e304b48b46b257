import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

/** Flat key/value metadata; keys without `.` or `$`, so they are plain MongoDB field names. */
export const accountMetadataSchema = z
  .record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'metadata keys: 1-64 letters, digits, _ -'),
    z.union([z.string().max(1_000), z.number().finite(), z.boolean(), z.null()]),
  )
  .refine((metadata) => Object.keys(metadata).length <= 50, 'metadata: at most 50 keys');

export class AccountMetadataDto extends createZodDto(accountMetadataSchema) {}
