import { SetMetadata } from '@nestjs/common';

export const OWN_AUTHENTICATION = 'enclave:own-authentication';

/**
 * A route whose own guard authenticates its callers (products with their product token): the
 * operator token is no key to it. Not public: the route must carry that guard.
 */
export const OwnAuthentication = (): MethodDecorator & ClassDecorator =>
  SetMetadata(OWN_AUTHENTICATION, true);
