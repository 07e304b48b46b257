import { productNameSchema, productVersionSchema, tenantIdSchema } from '@enclave/contracts';
import { Param } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { zodV3ToOpenAPI } from 'nestjs-zod';
import type { ZodTypeAny } from 'zod';
import { ZodParamPipe } from './zod-param.pipe';

/**
 * A path parameter checked by its zod schema (400 when invalid) and documented with it. Every
 * route's path parameters go through here; path-params.decorator.spec.ts fails on one that skips.
 */
export function ZodParam(name: string, schema: ZodTypeAny): ParameterDecorator {
  const param = Param(name, new ZodParamPipe(name, schema));
  // nestjs-zod types it against 'zod/v3', the same classes as 'zod' but other declarations.
  const openApi = zodV3ToOpenAPI(schema as unknown as Parameters<typeof zodV3ToOpenAPI>[0]);
  const documented = ApiParam({ name, required: true, schema: openApi });
  return (target, key, index) => {
    param(target, key, index);
    // The OpenAPI parameter is method metadata: the handler is the same function either way.
    documented(target, key!, Object.getOwnPropertyDescriptor(target, key!)!);
  };
}

export const TenantIdParam = () => ZodParam('tenantId', tenantIdSchema);
export const ProductParam = () => ZodParam('product', productNameSchema);
export const VersionParam = () => ZodParam('version', productVersionSchema);
