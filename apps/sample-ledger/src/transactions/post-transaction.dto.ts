import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { accountAliasSchema } from '../accounts/account-alias.schema';

/** Minor units (cents): an integer, or a string of up to 38 digits for amounts beyond 2^53. */
const amountSchema = z
  .union([
    z.number().int().refine(Number.isSafeInteger, 'amount: beyond 2^53, send it as a string'),
    z.string().regex(/^-?\d{1,38}$/, 'amount: an integer of up to 38 digits'),
  ])
  .transform((value) => BigInt(value))
  .refine((value) => value !== 0n, 'amount: an entry cannot be zero');

export const postTransactionSchema = z
  .object({
    description: z.string().trim().min(1).max(500),
    entries: z
      .array(z.object({ accountAlias: accountAliasSchema, amount: amountSchema }).strict())
      .min(2, 'entries: a transaction moves value between at least two accounts')
      .max(100)
      .refine(
        (entries) => new Set(entries.map((e) => e.accountAlias)).size === entries.length,
        'entries: each account at most once',
      )
      .refine(
        (entries) => entries.reduce((sum, e) => sum + e.amount, 0n) === 0n,
        'entries: amounts must sum to zero (double entry)',
      ),
  })
  .strict();

export class PostTransactionDto extends createZodDto(postTransactionSchema) {}
