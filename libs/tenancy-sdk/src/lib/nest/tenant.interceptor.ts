import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, from, switchMap } from 'rxjs';
import { TenantTokenVerifier } from '../token/tenant-token.verifier';
import { TenancyModuleOptions } from './tenancy-module.options';
import { TENANCY_OPTIONS } from './tenancy.module-definition';
import { TenantContext } from './tenant.context';
import { TenantScope } from './tenant-scope';

interface HttpRequestLike {
  readonly headers: Record<string, string | string[] | undefined>;
}

/**
 * Verifies the request's bearer token (multi-tenant mode) and runs the handler inside the tenant's
 * scope; the scope's connections are released when the response completes, errors or is cancelled.
 * Apply with `@UseInterceptors(TenantInterceptor)` on tenant routes (leave health checks out).
 */
@Injectable()
export class TenantInterceptor implements NestInterceptor {
  private readonly singleTenantId: string;

  constructor(
    @Inject(TENANCY_OPTIONS) private readonly options: TenancyModuleOptions,
    @Inject(TenantContext) private readonly context: TenantContext,
    @Inject(TenantTokenVerifier) private readonly verifier: TenantTokenVerifier | null,
  ) {
    this.singleTenantId = options.singleTenantId ?? 'default';
  }

  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (execution.getType() !== 'http') return next.handle();
    const request = execution.switchToHttp().getRequest<HttpRequestLike>();
    return from(this.open(request)).pipe(
      switchMap(
        (scope) =>
          new Observable((subscriber) => {
            const subscription = this.context.enter(scope, () =>
              next.handle().subscribe(subscriber),
            );
            return () => {
              subscription.unsubscribe();
              scope.end();
            };
          }),
      ),
    );
  }

  private async open(request: HttpRequestLike): Promise<TenantScope> {
    if (!this.options.multiTenant || !this.verifier) {
      return this.context.open(this.singleTenantId);
    }
    const { tenantId, claims } = await this.verifier.verifyAuthorization(
      request.headers.authorization,
    );
    return this.context.open(tenantId, claims);
  }
}
