import { OwnAuthentication } from '@enclave/service-kit';

/** Marks a route products call with their product token instead of the operator token. */
export const ProductApi = (): MethodDecorator & ClassDecorator => OwnAuthentication();
