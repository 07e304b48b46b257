import { CliError } from '../cli.error';
import { ExitCode } from '../exit-code';

export interface RegistryClientOptions {
  readonly baseUrl: string;
  readonly token?: string;
  /** Per request; the platform answers in milliseconds, so a slow answer is a problem to report. */
  readonly timeoutMs?: number;
}

/** The admin API, as the CLI calls it: JSON in and out, every non-2xx turned into a CliError. */
export class RegistryClient {
  constructor(private readonly options: RegistryClientOptions) {}

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.options.baseUrl);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      const cause =
        (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new CliError(ExitCode.Unavailable, `cannot reach ${url.origin}: ${cause}`);
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (response.ok) return parsed as T;
    throw new CliError(
      exitCodeOf(response.status),
      `${method} ${url.pathname}: ${response.status} ${reasonOf(parsed, text)}`,
      parsed ?? text,
    );
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The platform's reason: Nest's `message` (a string or a list of them) and, for a body that failed
 * validation, each field's own complaint (`errors`), else the raw body.
 */
function reasonOf(parsed: unknown, text: string): string {
  const body = parsed as { message?: unknown; errors?: unknown } | undefined;
  const message = Array.isArray(body?.message) ? body.message.join('; ') : body?.message;
  const fields = Array.isArray(body?.errors)
    ? body.errors
        .map((e: { path?: unknown[]; message?: unknown }) =>
          [e.path?.join('.'), e.message].filter(Boolean).join(': '),
        )
        .filter(Boolean)
    : [];
  if (typeof message === 'string')
    return fields.length ? `${message}: ${fields.join('; ')}` : message;
  return text.slice(0, 500) || 'no reason given';
}

function exitCodeOf(status: number): ExitCode {
  if (status === 401 || status === 403) return ExitCode.Unauthorized;
  if (status === 404) return ExitCode.NotFound;
  if (status === 409) return ExitCode.Conflict;
  if (status >= 500) return ExitCode.Unavailable;
  return ExitCode.Rejected;
}
