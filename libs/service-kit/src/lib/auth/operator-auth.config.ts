import { z } from 'zod';
import { ConfigDefinition } from '../config/config-definition';

/** What a service with an operator API reads: the token operators present. */
export const operatorAuthConfig = new ConfigDefinition({
  ADMIN_API_TOKEN: {
    schema: z.string().min(32, 'must be at least 32 characters'),
    description:
      'Bootstrap operator token for the HTTP API (every route but /health and /health/ready); calls made with it are recorded as operator:bootstrap. The registry also accepts the named operator tokens it issues.',
    secret: true,
  },
});

export type OperatorAuthConfig = ReturnType<typeof operatorAuthConfig.load>;
