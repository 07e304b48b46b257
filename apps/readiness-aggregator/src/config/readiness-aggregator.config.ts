import { commonConfig, operatorAuthConfig } from '@enclave/service-kit';

export const readinessAggregatorConfig = commonConfig.extend(operatorAuthConfig.variables);

export type ReadinessAggregatorConfig = ReturnType<typeof readinessAggregatorConfig.load>;
