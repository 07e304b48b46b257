import { SetMetadata } from '@nestjs/common';

export const PRODUCT_API = 'enclave:product-api';

/** Marks a route products call with their product token instead of the operator token. */
export const ProductApi = (): MethodDecorator & ClassDecorator => SetMetadata(PRODUCT_API, true);
