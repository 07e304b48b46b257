import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const rolloutTenantsQuerySchema = z
  .object({
    state: z
      .enum(['pending', 'upgrading', 'done', 'skipped', 'failed'])
      .optional()
      .describe('Only the tenants in this state (e.g. `failed`: who is behind, and why).'),
  })
  .strict();

export class RolloutTenantsQueryDto extends createZodDto(rolloutTenantsQuerySchema) {}
