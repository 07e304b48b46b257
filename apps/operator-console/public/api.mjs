// The console's only door to the platform: its own backend, which forwards to the registry's
// admin API with the operator's session. A 401 anywhere means the session is over: back to login.
import { useEffect, useRef, useState } from 'preact/hooks';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ? [].concat(body.message).join('; ') : `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function request(url, method = 'GET', body) {
  const response = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers:
      method === 'GET' ? {} : { 'x-enclave-console': '1', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (response.status === 401 && !url.startsWith('/session')) {
    window.location.hash = '#/login';
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

/** The registry's admin API (`/v1/…`). */
export const registry = (path, method, body) => request(`/api/registry${path}`, method, body);
export const consoleApi = (path, method, body) => request(path, method, body);

/**
 * Reads `load()` now and every `everyMs` while the page shows, so changes (a registration reaching
 * Ready, a rollout moving on) appear without a reload. Short polling of the platform's own API:
 * the console keeps nothing between calls.
 */
export function usePolled(load, deps, everyMs = 1500) {
  const [state, setState] = useState({ data: undefined, error: undefined });
  const generation = useRef(0);
  const refresh = () => {
    const mine = generation.current;
    return load().then(
      (data) => mine === generation.current && setState({ data, error: undefined }),
      (error) => mine === generation.current && setState((s) => ({ data: s.data, error })),
    );
  };
  useEffect(() => {
    generation.current += 1;
    setState({ data: undefined, error: undefined });
    refresh();
    const timer = setInterval(refresh, everyMs);
    return () => {
      generation.current += 1;
      clearInterval(timer);
    };
  }, deps);
  return { ...state, refresh };
}
