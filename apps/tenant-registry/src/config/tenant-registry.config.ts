import { commonConfig } from '@enclave/service-kit';

export const tenantRegistryConfig = commonConfig.extend({});

export type TenantRegistryConfig = ReturnType<typeof tenantRegistryConfig.load>;
