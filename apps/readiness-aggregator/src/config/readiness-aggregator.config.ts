import { commonConfig } from '@enclave/service-kit';

export const readinessAggregatorConfig = commonConfig.extend({});

export type ReadinessAggregatorConfig = ReturnType<typeof readinessAggregatorConfig.load>;
