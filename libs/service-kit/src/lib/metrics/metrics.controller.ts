import {
  Controller,
  Get,
  Header,
  Inject,
  NotFoundException,
  Req,
  UnauthorizedException,
} from '@nestjs/common';
import type { Request } from 'express';
import { OwnAuthentication } from '../auth/own-authentication.decorator';
import { OperatorToken } from '../auth/operator-token';
import { metricsRegistry } from './metrics.registry';

export const METRICS_TOKEN = Symbol('METRICS_TOKEN');

/**
 * `GET /metrics` in Prometheus' text format, for a scraper holding METRICS_TOKEN: its own token,
 * so a scraper holds no operator rights, and no route at all (404) when the variable is unset.
 */
@OwnAuthentication()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS_TOKEN) private readonly token: OperatorToken | null) {}

  @Get()
  @Header('content-type', metricsRegistry.contentType)
  async scrape(@Req() request: Request): Promise<string> {
    if (!this.token) throw new NotFoundException('metrics are off (METRICS_TOKEN is not set)');
    if (!this.token.admits(request.headers.authorization))
      throw new UnauthorizedException('the metrics bearer token is required');
    return metricsRegistry.metrics();
  }
}
