import { z } from 'zod';
import { ConfigDefinition } from '../config/config-definition';

/** What a service with an operator API reads: the token operators present. */
export const operatorAuthConfig = new ConfigDefinition({
  ADMIN_API_TOKEN: {
    schema: z.string().min(32, 'must be at least 32 characters'),
    description:
      'Bearer token operators present to the HTTP API (every route but /health and /health/ready).',
    secret: true,
  },
});

export type OperatorAuthConfig = ReturnType<typeof operatorAuthConfig.load>;
