import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

const DAY = 86_400;

export const issueApiTokenSchema = z
  .object({
    ttlSeconds: z
      .number()
      .int()
      .min(1)
      .max(365 * DAY)
      .default(90 * DAY)
      .describe('How long the token is good for: at most a year, 90 days by default.'),
    name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[^\p{Cc}]*$/u, 'no control characters')
      .optional()
      .describe('What the token is for (e.g. the deployment that holds it); shown in the list.'),
  })
  .strict()
  // No body at all is the defaults.
  .default({});

export class IssueApiTokenDto extends createZodDto(issueApiTokenSchema) {}
