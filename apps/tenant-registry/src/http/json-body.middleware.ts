import {
  BadRequestException,
  Injectable,
  NestMiddleware,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

const JSON_TYPE = 'application/json';

function carriesBody(req: Request): boolean {
  return (
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0
  );
}

/** Whether a parsed body holds U+0000 in a key or string (walked iteratively: bodies nest deep). */
function holdsNul(body: unknown): boolean {
  const pending: unknown[] = [body];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return true;
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key.includes('\u0000')) return true;
        pending.push(inner);
      }
    }
  }
  return false;
}

/**
 * The API speaks JSON only: a body of another type is 415 before any route sees it (Nest's default
 * urlencoded parser would otherwise hand form fields to the DTOs). JSON holding U+0000 is 400:
 * PostgreSQL stores no such text, so it would fail later as a 500.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    if (carriesBody(req)) {
      const type = (req.headers['content-type'] ?? '')
        .split(';')[0]
        .trim()
        .toLowerCase()
        .slice(0, 100);
      if (type !== JSON_TYPE) {
        throw new UnsupportedMediaTypeException(
          `request bodies must be ${JSON_TYPE}, not ${type || 'untyped'}`,
        );
      }
      if (holdsNul(req.body)) {
        throw new BadRequestException('the body holds a U+0000 (NUL) character, which is refused');
      }
    }
    next();
  }
}
