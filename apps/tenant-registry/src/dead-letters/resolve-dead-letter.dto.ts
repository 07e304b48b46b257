import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const resolveDeadLetterSchema = z
  .object({
    reason: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .describe('Why: the fix made before a replay, or why the event may be dropped. Audited.'),
  })
  .strict();

export class ResolveDeadLetterDto extends createZodDto(resolveDeadLetterSchema) {}
