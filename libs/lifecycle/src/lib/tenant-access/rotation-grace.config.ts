import { z } from 'zod';

/** The config variable of stages that end sessions opened with rotated-out credentials. */
export const rotationGraceConfig = {
  ROTATION_GRACE_SECONDS: {
    schema: z.coerce.number().int().min(1).max(86_400).default(30),
    description:
      'Seconds after a credential rotation before sessions opened earlier (with the old password) are ended: long enough for products to drain their pools.',
  },
} as const;
