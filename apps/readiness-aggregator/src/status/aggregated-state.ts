import { serviceStateSchema } from '@enclave/contracts';
import { z } from 'zod';

/**
 * The aggregator's own view of a registration: the lifecycle states it publishes, plus offboarding
 * (`deprovisioning` until every stage released it, then `deleted`, kept for the audit trail).
 */
export const aggregatedStateSchema = z.enum([
  ...serviceStateSchema.options,
  'deprovisioning',
  'deleted',
]);

export type AggregatedState = z.infer<typeof aggregatedStateSchema>;
