import { ArgumentsHost, Catch, HttpStatus, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';

const OVERLOAD =
  /timeout exceeded when trying to connect|Connection terminated|ECONNREFUSED|too many clients/i;

/**
 * A request that fails because the platform database is saturated or away is the platform's
 * problem of the moment, not a bug: 503 with Retry-After, so clients back off and retry (every
 * write here is idempotent), instead of a 500.
 */
@Catch()
export class UnavailableFilter extends BaseExceptionFilter {
  private readonly logger = new Logger(UnavailableFilter.name);

  override catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() === 'http' && error instanceof Error && OVERLOAD.test(error.message)) {
      this.logger.warn(`answering 503: ${error.message}`);
      host
        .switchToHttp()
        .getResponse<Response>()
        .status(HttpStatus.SERVICE_UNAVAILABLE)
        .setHeader('retry-after', '1')
        .json({
          statusCode: 503,
          message: 'the platform is busy; retry shortly',
          error: 'Service Unavailable',
        });
      return;
    }
    super.catch(error, host);
  }
}
