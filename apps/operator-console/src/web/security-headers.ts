import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, Response } from 'express';

/** The SHA-256 sources (`'sha256-…'`) of the page's inline scripts: its import map, nothing else. */
export function inlineScriptHashes(html: string): string[] {
  return [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)]
    .map((match) => match[1])
    .filter((body) => body.length > 0)
    .map((body) => `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
}

/**
 * The console's security headers, on every response. A strict Content-Security-Policy: scripts only
 * from the console itself plus the page's inline import map by its hash (no 'unsafe-inline', no
 * eval), styles and everything else from itself, no plugins, no <base>, forms only to itself, and no
 * framing (frame-ancestors 'none', X-Frame-Options DENY for older browsers), so a page elsewhere can
 * neither run script here nor clickjack an operator. The page calls only its own backend.
 */
export function securityHeaders(indexHtml: string): Record<string, string> {
  const policy = [
    "default-src 'none'",
    `script-src 'self' ${inlineScriptHashes(indexHtml).join(' ')}`.trim(),
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'content-security-policy': policy,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}

/** Express middleware setting securityHeaders() of the page in `publicDir` (read once, at start). */
export function securityHeadersMiddleware(publicDir: string) {
  const headers = securityHeaders(fs.readFileSync(path.join(publicDir, 'index.html'), 'utf8'));
  return (_request: Request, response: Response, next: NextFunction) => {
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    next();
  };
}
