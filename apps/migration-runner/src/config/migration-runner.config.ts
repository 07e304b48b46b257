import { commonConfig } from '@enclave/service-kit';

export const migrationRunnerConfig = commonConfig.extend({});

export type MigrationRunnerConfig = ReturnType<typeof migrationRunnerConfig.load>;
