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
  })
  .strict()
  // No body at all is the defaults.
  .default({});

export class IssueApiTokenDto extends createZodDto(issueApiTokenSchema) {}
