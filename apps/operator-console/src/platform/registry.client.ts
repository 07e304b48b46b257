import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { CONSOLE_CONFIG } from '../config/console-config.token';
import type { OperatorConsoleConfig } from '../config/operator-console.config';

export interface ForwardedReply {
  status: number;
  contentType: string | null;
  body: string;
}

/** The registry's admin API, called with the logged-in operator's own token: its checks apply. */
@Injectable()
export class RegistryClient {
  constructor(@Inject(CONSOLE_CONFIG) private readonly config: OperatorConsoleConfig) {}

  async call(token: string, method: string, path: string, body?: string): Promise<ForwardedReply> {
    const response = await fetch(`${this.config.REGISTRY_URL.replace(/\/$/, '')}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body,
      signal: AbortSignal.timeout(10_000),
    }).catch((error: Error) => {
      throw new ServiceUnavailableException(`the registry did not answer: ${error.message}`);
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: await response.text(),
    };
  }

  async json<T>(token: string, path: string): Promise<T | null> {
    const reply = await this.call(token, 'GET', path);
    return reply.status === 200 ? (JSON.parse(reply.body) as T) : null;
  }
}
