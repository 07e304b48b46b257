import { secretStoreConfig } from '@enclave/secret-store';
import { commonConfig } from '@enclave/service-kit';

export const credentialServiceConfig = commonConfig.extend(secretStoreConfig.variables);

export type CredentialServiceConfig = ReturnType<typeof credentialServiceConfig.load>;
