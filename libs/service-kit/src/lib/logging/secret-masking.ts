/** Paths pino redacts in every log line, whatever object they sit in. */
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

const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s]+:)[^@/?#\s]+@/gi;

/** Hides the password part of any URL in a string (postgres://u:p@h → postgres://u:***@h). */
export function maskUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1***@');
}
