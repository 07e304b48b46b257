import { commonConfig } from '@enclave/service-kit';

export const credentialServiceConfig = commonConfig.extend({});

export type CredentialServiceConfig = ReturnType<typeof credentialServiceConfig.load>;
