import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CONSOLE_CONFIG } from '../config/console-config.token';
import type { OperatorConsoleConfig } from '../config/operator-console.config';
import { SessionCipher } from './session.cipher';

export const SESSION_COOKIE = 'enclave_console';

/**
 * The operator's session, carried whole by the browser in one cookie: httpOnly (no script reads
 * it), SameSite=Strict (no other site's page sends it), sealed with CONSOLE_SESSION_KEY.
 */
@Injectable()
export class OperatorSession {
  private readonly cipher: SessionCipher;

  constructor(@Inject(CONSOLE_CONFIG) private readonly config: OperatorConsoleConfig) {
    this.cipher = new SessionCipher(config.CONSOLE_SESSION_KEY);
  }

  /** The operator token of the request's session; 401 without a valid one. */
  tokenOf(request: Request): string {
    const token = this.cipher.open(cookieOf(request, SESSION_COOKIE));
    if (!token) throw new UnauthorizedException('log in to the console first');
    return token;
  }

  isOpen(request: Request): boolean {
    return this.cipher.open(cookieOf(request, SESSION_COOKIE)) !== null;
  }

  begin(response: Response, token: string, secure: boolean): void {
    const maxAge = this.config.CONSOLE_SESSION_HOURS * 3_600_000;
    response.cookie(SESSION_COOKIE, this.cipher.seal({ token, expiresAt: Date.now() + maxAge }), {
      httpOnly: true,
      sameSite: 'strict',
      secure,
      path: '/',
      maxAge,
    });
  }

  end(response: Response): void {
    response.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/' });
  }
}

function cookieOf(request: Request, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}
