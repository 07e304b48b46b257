import {
  BadRequestException,
  CallHandler,
  Controller,
  ExecutionContext,
  Get,
  Param,
  Query,
} from '@nestjs/common';
import { of } from 'rxjs';
import { DeclaredQueryInterceptor } from './declared-query.interceptor';

@Controller('things')
class ThingsController {
  @Get()
  list(@Query() query: unknown) {
    return query;
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return id;
  }
}

function httpContext(handler: keyof ThingsController, query: Record<string, unknown>) {
  return {
    getType: () => 'http',
    getClass: () => ThingsController,
    getHandler: () => ThingsController.prototype[handler],
    switchToHttp: () => ({ getRequest: () => ({ query }) }),
  } as unknown as ExecutionContext;
}

describe('DeclaredQueryInterceptor', () => {
  const interceptor = new DeclaredQueryInterceptor();
  const next: CallHandler = { handle: () => of('handled') };

  it('refuses query parameters on a route that reads none', () => {
    expect(() => interceptor.intercept(httpContext('get', { x: '1', y: '2' }), next)).toThrow(
      new BadRequestException('this route takes no query parameters (got x, y)'),
    );
  });

  it('leaves the query to the route that reads it, and passes routes called without one', () => {
    expect(interceptor.intercept(httpContext('list', { x: '1' }), next)).toBeDefined();
    expect(interceptor.intercept(httpContext('get', {}), next)).toBeDefined();
  });

  it('ignores what is not an HTTP call (consumed events)', () => {
    const rpc = { getType: () => 'rpc' } as unknown as ExecutionContext;
    expect(interceptor.intercept(rpc, next)).toBeDefined();
  });
});
