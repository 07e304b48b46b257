import { tenantIdSchema } from '@enclave/contracts';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { deadLetterStatusSchema } from './dead-letter-status';

/** The list's query, checked like a body: a stray key or an impossible value is 400. */
export const listDeadLettersSchema = z
  .object({
    topic: z
      .string()
      .regex(
        /^[a-z0-9-]+(\.[a-z0-9-]+)+$/,
        'must be a logical topic name, e.g. enclave.tenant.created',
      )
      .max(249)
      .optional()
      .describe('Only letters of this (logical) topic.'),
    tenantId: tenantIdSchema.optional().describe("Only letters of this tenant's events."),
    status: deadLetterStatusSchema
      .default('open')
      .describe('open (default): not yet replayed or discarded; replayed; discarded.'),
    after: z
      .string()
      .regex(/^[1-9][0-9]{0,18}$/, 'must be the `next` of a previous page')
      .optional()
      .describe('Cursor: the `next` of the previous page.'),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(500)
      .default(100)
      .describe('Page size, 1-500 (default 100).'),
  })
  .strict();

export class ListDeadLettersDto extends createZodDto(listDeadLettersSchema) {}
