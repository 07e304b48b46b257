import { commonConfig } from '@enclave/service-kit';

export const postgresProvisionerConfig = commonConfig.extend({});

export type PostgresProvisionerConfig = ReturnType<typeof postgresProvisionerConfig.load>;
