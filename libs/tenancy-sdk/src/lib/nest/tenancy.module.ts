import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TenantConnectionManager } from '../connections/tenant-connection.manager';
import { TenancyMetrics } from '../metrics/tenancy.metrics';
import { TenantTokenVerifier } from '../token/tenant-token.verifier';
import { TenancyExceptionFilter } from './tenancy-exception.filter';
import { TenancyModuleOptions } from './tenancy-module.options';
import { ConfigurableTenancyModule, TENANCY_OPTIONS } from './tenancy.module-definition';
import { TenantContext } from './tenant.context';
import { TenantInterceptor } from './tenant.interceptor';

/**
 * What a product imports: `TenancyModule.forRoot({ product, multiTenant, token, resolver, postgres })`
 * (or `forRootAsync` to build the resolver from other providers). Global; provides TenantContext,
 * TenantInterceptor, TenantConnectionManager and TenantTokenVerifier, and maps the SDK's errors to
 * 401/403/404/503. Pools close at application shutdown, after requests in flight.
 */
@Module({
  providers: [
    {
      provide: TenantConnectionManager,
      inject: [TENANCY_OPTIONS],
      useFactory: (options: TenancyModuleOptions) => {
        const manager = new TenantConnectionManager(options);
        if (options.metrics) new TenancyMetrics(manager, options.metrics.registry);
        return manager;
      },
    },
    {
      provide: TenantTokenVerifier,
      inject: [TENANCY_OPTIONS],
      useFactory: (options: TenancyModuleOptions) => {
        if (!options.multiTenant) return null;
        if (!options.token) throw new Error('multi-tenant mode needs token verification options');
        return new TenantTokenVerifier(options.token);
      },
    },
    TenantContext,
    TenantInterceptor,
    { provide: APP_FILTER, useClass: TenancyExceptionFilter },
  ],
  // The options too: `@UseInterceptors(TenantInterceptor)` builds the interceptor in the host module.
  exports: [
    TENANCY_OPTIONS,
    TenantConnectionManager,
    TenantTokenVerifier,
    TenantContext,
    TenantInterceptor,
  ],
})
export class TenancyModule extends ConfigurableTenancyModule implements OnApplicationShutdown {
  constructor(
    @Inject(TenantConnectionManager) private readonly connections: TenantConnectionManager,
  ) {
    super();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connections.close();
  }
}
