import { All, Controller, ForbiddenException, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { OperatorSession } from '../session/operator-session';
import { RegistryClient } from './registry.client';

const PREFIX = '/api/registry';
// The header only the console's own script sends: a cross-site form cannot set it, and a
// cross-site fetch that does needs a CORS preflight the console never grants.
export const CONSOLE_HEADER = 'x-enclave-console';

/**
 * The console's pages read and steer the platform through the registry's own admin API, with the
 * operator's token from the session: `/api/registry/v1/…` is `/v1/…` of the registry, answered as is.
 */
@Controller('api/registry')
export class RegistryProxyController {
  constructor(
    private readonly session: OperatorSession,
    private readonly registry: RegistryClient,
  ) {}

  @All('*path')
  async forward(@Req() request: Request, @Res() response: Response) {
    const token = this.session.tokenOf(request);
    const path = request.originalUrl.slice(PREFIX.length);
    if (!path.startsWith('/v1/')) throw new ForbiddenException('only the /v1 API is forwarded');
    if (request.method !== 'GET' && request.headers[CONSOLE_HEADER] !== '1')
      throw new ForbiddenException(`changes need the ${CONSOLE_HEADER} header`);
    const body =
      request.method === 'GET' || request.method === 'HEAD' || request.body === undefined
        ? undefined
        : JSON.stringify(request.body);
    const reply = await this.registry.call(token, request.method, path, body);
    response.status(reply.status);
    if (reply.contentType) response.type(reply.contentType);
    response.send(reply.body);
  }
}
