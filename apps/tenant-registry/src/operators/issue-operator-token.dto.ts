import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const issueOperatorTokenSchema = z
  .object({
    name: z
      .string()
      .regex(
        /^[a-z][a-z0-9._-]{0,62}[a-z0-9]$/,
        'must be 2-64 characters: lowercase letters, digits, ".", "_", "-"; a letter first',
      )
      .refine((name) => name !== 'bootstrap', 'is the configured token, not a named one')
      .describe('Who holds the token; calls made with it are recorded as `operator:<name>`.'),
    expiresAt: z
      .string()
      .datetime({ offset: true })
      .refine((at) => Date.parse(at) > Date.now(), 'must be in the future')
      .optional()
      .describe('When the token stops being accepted (ISO 8601); never, when absent.'),
  })
  .strict();

export class IssueOperatorTokenDto extends createZodDto(issueOperatorTokenSchema) {}
