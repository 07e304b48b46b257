import { secretStoreConfig } from '@enclave/secret-store';
import { commonConfig, operatorAuthConfig } from '@enclave/service-kit';

// The vault: only to read the tenant-registry's offboarding orders (libs/lifecycle).
export const readinessAggregatorConfig = commonConfig
  .extend(operatorAuthConfig.variables)
  .extend(secretStoreConfig.variables);

export type ReadinessAggregatorConfig = ReturnType<typeof readinessAggregatorConfig.load>;
