import { productNameSchema } from '@enclave/contracts';
import { Controller, Get, Type } from '@nestjs/common';
import { PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { TenantConnectionController } from '../product-api/tenant-connection.controller';
import { ProductApiTokensController } from '../products/product-api-tokens.controller';
import { ProductsController } from '../products/products.controller';
import { RegistrationsController } from '../registrations/registrations.controller';
import { ProductFleetController } from '../rollouts/product-fleet.controller';
import { RolloutsController } from '../rollouts/rollouts.controller';
import { TenantsController } from '../tenants/tenants.controller';
import { ZodParam } from './path-params.decorator';
import { ZodParamPipe } from './zod-param.pipe';

/** @nestjs/swagger's key for explicit parameters (its constants are not exported). */
const API_PARAMETERS = 'swagger/apiParameters';

interface RouteArg {
  readonly index: number;
  readonly data?: string;
  readonly pipes: unknown[];
}

/** Every handler of a controller with its path (`:name` parameters) and the names it validates. */
function routesOf(controller: Type) {
  const base: string = Reflect.getMetadata(PATH_METADATA, controller);
  const prototype = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype)
    .filter((name) => name !== 'constructor')
    .filter((name) => Reflect.hasMetadata(PATH_METADATA, prototype[name] as object))
    .map((name) => {
      const path = `${base}/${Reflect.getMetadata(PATH_METADATA, prototype[name] as object)}`;
      const args: Record<string, RouteArg> =
        Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {};
      const validated = Object.entries(args)
        .filter(([key]) => key.split(':')[0] === String(RouteParamtypes.PARAM))
        .filter(([, arg]) =>
          arg.pipes.some((p) => p instanceof ZodParamPipe && p.name === arg.data),
        )
        .map(([, arg]) => arg.data);
      const declared = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]);
      const read = Object.entries(args)
        .filter(([key]) => key.split(':')[0] === String(RouteParamtypes.PARAM))
        .map(([, arg]) => arg.data);
      return { route: `${controller.name}.${name} ${path}`, declared, validated, read };
    });
}

describe('ZodParam', () => {
  it('validates the parameter with its schema and documents the schema', () => {
    @Controller('p')
    class Probe {
      @Get(':product')
      get(@ZodParam('product', productNameSchema) product: string) {
        return product;
      }
    }
    const args: Record<string, RouteArg> = Reflect.getMetadata(ROUTE_ARGS_METADATA, Probe, 'get');
    const [arg] = Object.values(args);
    expect(arg.data).toBe('product');
    expect(() => (arg.pipes[0] as ZodParamPipe<string>).transform('NOPE')).toThrow(
      /path parameter product/,
    );
    expect(Reflect.getMetadata(API_PARAMETERS, Probe.prototype.get)).toEqual([
      expect.objectContaining({
        name: 'product',
        in: 'path',
        required: true,
        schema: expect.objectContaining({ type: 'string', minLength: 3, maxLength: 20 }),
      }),
    ]);
  });

  // A route whose path parameter skips ZodParam would let a value that can never exist reach the
  // database again (a 500 for a NUL, a 404 or 200 where 400 is right).
  it.each(
    [
      TenantsController,
      RegistrationsController,
      ProductsController,
      ProductApiTokensController,
      TenantConnectionController,
      RolloutsController,
      ProductFleetController,
    ].map((controller) => [controller.name, controller] as const),
  )('checks every path parameter of every %s route', (_, controller) => {
    const routes = routesOf(controller);
    expect(routes.length).toBeGreaterThan(0);
    for (const { route, declared, validated, read } of routes) {
      expect({ route, validated: [...validated].sort(), read: [...read].sort() }).toEqual({
        route,
        validated: [...declared].sort(),
        read: [...declared].sort(),
      });
    }
  });
});
