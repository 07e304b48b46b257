import { ArgumentsHost, Catch, ExceptionFilter, Inject } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { throwError } from 'rxjs';
import { TenancyError } from '../errors/tenancy.error';

const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  503: 'Service Unavailable',
};

/**
 * Turns the SDK's typed errors into their HTTP answer: status, a stable `reason` and a message that
 * never quotes a token or a credential. 401s carry `WWW-Authenticate: Bearer` (RFC 6750), 503s a
 * short `Retry-After`.
 */
@Catch(TenancyError)
export class TenancyExceptionFilter implements ExceptionFilter {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  catch(error: TenancyError, host: ArgumentsHost) {
    if (host.getType() !== 'http') return throwError(() => error);
    const { httpAdapter } = this.adapterHost;
    const response = host.switchToHttp().getResponse();
    if (error.status === 401) {
      httpAdapter.setHeader(
        response,
        'WWW-Authenticate',
        error.reason === 'missing' ? 'Bearer' : 'Bearer error="invalid_token"',
      );
    }
    if (error.status === 503) httpAdapter.setHeader(response, 'Retry-After', '1');
    httpAdapter.reply(
      response,
      {
        statusCode: error.status,
        error: STATUS_TEXT[error.status],
        reason: error.reason,
        message: error.message,
      },
      error.status,
    );
    return undefined;
  }
}
