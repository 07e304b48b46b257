import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

// A SQL password literal (CREATE/ALTER ROLE … PASSWORD '…', quotes doubled inside) and URL userinfo.
const SQL_PASSWORD = /\b(PASSWORD)\s+E?'(?:[^']|'')*'/gi;
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):[^\s@/]+@/gi;

/** The text with SQL password literals and URL passwords replaced by `***`. */
export function maskSecretsInText(text: string): string {
  return text.replace(SQL_PASSWORD, "$1 '***'").replace(URL_USERINFO, '$1:***@');
}

/**
 * Rewrites span attributes before any exporter sees them: instrumentations record statement text and
 * URLs, and a role's password (or its verifier) or a URL's userinfo must never leave the process.
 * Registered first, so the batch processor after it exports the masked attributes.
 */
export class SecretMaskingSpanProcessor implements SpanProcessor {
  onStart(_span: Span, _parentContext: Context): void {
    // Attributes are complete only at the end.
  }

  onEnd(span: ReadableSpan): void {
    const attributes = span.attributes as Record<string, unknown>;
    for (const [key, value] of Object.entries(attributes)) {
      if (typeof value === 'string') attributes[key] = maskSecretsInText(value);
      else if (Array.isArray(value))
        attributes[key] = value.map((v) => (typeof v === 'string' ? maskSecretsInText(v) : v));
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
