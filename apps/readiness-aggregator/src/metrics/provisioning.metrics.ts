import { registeredMetric } from '@enclave/service-kit';
import { Histogram } from 'prom-client';

const seconds = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30, 60];

/**
 * Provisioning times as the aggregator sees them when a registration becomes Ready: from the
 * registration to each stage's completion, and to the last one (end to end). Observed in the
 * handler's transaction, so a rolled-back attempt that is retried can count twice; rare, and the
 * distribution, not the count, is what these are for.
 */
export const ProvisioningMetrics = {
  endToEnd: registeredMetric(Histogram, {
    name: 'enclave_provisioning_duration_seconds',
    help: 'From registration to Ready, by product and isolation mode.',
    labelNames: ['product', 'isolation_mode'] as const,
    buckets: seconds,
  }),
  stage: registeredMetric(Histogram, {
    name: 'enclave_stage_duration_seconds',
    help: "From registration to a stage's completion, by product and stage, for Ready registrations.",
    labelNames: ['product', 'stage'] as const,
    buckets: seconds,
  }),
};
