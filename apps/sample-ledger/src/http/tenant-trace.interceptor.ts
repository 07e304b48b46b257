import { TraceContext } from '@enclave/service-kit';
import { TenantContext } from '@enclave/tenancy-sdk';
import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';

/**
 * Put after TenantInterceptor: every log line written while handling the request carries the
 * (verified) tenant; the request logger already adds the correlation id.
 */
@Injectable()
export class TenantTraceInterceptor implements NestInterceptor {
  constructor(@Inject(TenantContext) private readonly tenant: TenantContext) {}

  intercept(_execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    const tenantId = this.tenant.scope?.tenantId;
    return new Observable((subscriber) =>
      TraceContext.run({ tenantId }, () => next.handle().subscribe(subscriber)),
    );
  }
}
