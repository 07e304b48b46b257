import { stdSerializers } from 'pino';

/**
 * Paths pino's own redaction censors (the request headers pino-http records, top-level keys).
 * Its paths have a fixed depth, so maskSecrets covers secret keys at any depth besides.
 */
export const REDACTED_LOG_PATHS = [
  'password',
  'secret',
  'token',
  'authorization',
  '*.password',
  '*.secret',
  '*.token',
  '*.authorization',
  '*.connectionString',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
];

export const REDACTED = '[redacted]';

const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s]+:)[^@/?#\s]+@/gi;

/** Hides the password part of any URL in a string (postgres://u:p@h → postgres://u:***@h). */
export function maskUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1***@');
}

// Matched inside the key, case and separators ignored: dbPassword, x-api-key, ADMIN_API_TOKEN.
const SECRET_KEY_PARTS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'authorization',
  'cookie',
  'connectionstring',
  'privatekey',
  'encryptionkey',
];

/** Whether a field of that name holds a secret, whatever its value looks like. */
export function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return normalized === 'pwd' || SECRET_KEY_PARTS.some((part) => normalized.includes(part));
}

// Deeper than this, a log field is cut rather than walked (and never printed unmasked).
const MAX_DEPTH = 16;

/**
 * A copy of `value` fit for a log line, at any depth: fields with a secret name censored, URL
 * credentials masked in every string, errors (a `cause`, a driver's extra fields) made plain first.
 * Walks what JSON.stringify would print: own enumerable fields, or what toJSON returns.
 */
export function maskSecrets(value: unknown): unknown {
  return mask(value, new Set(), 0);
}

function mask(value: unknown, ancestors: Set<object>, depth: number): unknown {
  if (typeof value === 'string') return maskUrlCredentials(value);
  if (typeof value !== 'object' || value === null) return value;
  if (ancestors.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (value instanceof Error) value = stdSerializers.errWithCause(value);
  else if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    const json = (value as { toJSON(): unknown }).toJSON();
    if (json !== value) return mask(json, ancestors, depth + 1);
  }
  ancestors.add(value as object);
  try {
    if (Array.isArray(value)) return value.map((item) => mask(item, ancestors, depth + 1));
    if (value instanceof Map || value instanceof Set) return value; // JSON prints them as {}
    const copy: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value as object)) {
      copy[key] = maskField(key, field, (v) => mask(v, ancestors, depth + 1));
    }
    return copy;
  } finally {
    ancestors.delete(value as object);
  }
}

function maskField(key: string, value: unknown, next: (value: unknown) => unknown): unknown {
  if (value === undefined || value === null) return value;
  return isSecretKey(key) ? REDACTED : next(value);
}

/**
 * maskSecrets for the fields of a log line (or a child logger's bindings), except those named in
 * `serialized`: pino hands them to their serializer afterwards, which masks what it makes of them.
 */
export function maskLogFields(
  fields: Record<string, unknown>,
  serialized: ReadonlySet<string>,
): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    copy[key] = serialized.has(key) ? value : maskField(key, value, maskSecrets);
  }
  return copy;
}
