import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'enclave:public-route';

/** A route anyone may call, without any token. Only health probes are. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
