import fs from 'node:fs';
import { parse } from 'yaml';

export type Dict = Record<string, unknown>;
export type Env = Record<string, string>;

const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

function loadCompose(file: string): { services: Record<string, Dict>; doc: Dict } {
  // `merge: true`: compose honours YAML merge keys (<<: *anchor), and so must the parser here.
  const doc = parse(fs.readFileSync(file, 'utf8'), { merge: true }) as unknown;
  if (!isDict(doc) || !isDict(doc.services))
    throw new Error('docker-compose.yml has no services map');
  return { services: doc.services as Record<string, Dict>, doc };
}

/** A service's environment as a map, whichever of the two compose forms it uses. */
function environmentOf(service: Dict): Env {
  const env = service.environment;
  if (env === undefined) return {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const text = String(entry);
        const eq = text.indexOf('=');
        return eq < 0 ? [text, ''] : [text.slice(0, eq), text.slice(eq + 1)];
      }),
    );
  }
  if (!isDict(env)) throw new Error('environment must be a map or a list');
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

const INTERPOLATION =
  /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Compose variable interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}. */
function interpolate(value: string, vars: Env): string {
  return value.replace(
    INTERPOLATION,
    (whole, name?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
      if (whole === '$$') return '$';
      if (bare) return vars[bare] ?? '';
      const key = name as string;
      const set = colon ? Boolean(vars[key]) : vars[key] !== undefined;
      if (set) return vars[key];
      if (op === '?') throw new Error(`${key} is required: ${arg}`);
      return op === '-' ? (arg ?? '') : '';
    },
  );
}

const resolvedEnv = (service: Dict, vars: Env): Env =>
  Object.fromEntries(
    Object.entries(environmentOf(service)).map(([k, v]) => [k, interpolate(v, vars)]),
  );

/** True when the whole value is exactly one `${VAR...}` expression. */
const isSingleInterpolation = (value: string) =>
  /^\$\{[A-Za-z_][A-Za-z0-9_]*(:?[-?][^}]*)?\}$/.test(value);

/**
 * Replaces each `${...}` expression by an opaque token (its defaults may contain `:`, `/` or `@`), so the
 * surrounding syntax can be split safely; `unmask` puts the expressions back.
 */
function maskInterpolations(text: string): { masked: string; unmask: (s: string) => string } {
  const parts: string[] = [];
  const masked = text.replace(/\$\{[^}]*\}/g, (m) => `\uE000${parts.push(m) - 1}\uE001`);
  const unmask = (s: string) => s.replace(/\uE000(\d+)\uE001/g, (_, i: string) => parts[Number(i)]);
  return { masked, unmask };
}

/**
 * The credentials of every URL in a string (scheme://user[:password]@host...), read without resolving
 * `${...}` expressions (whose defaults may contain URL delimiters).
 */
function urlCredentials(raw: string): { user: string; password: string | undefined }[] {
  const { masked, unmask } = maskInterpolations(raw);
  return [...masked.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/([^@/?#\s'"]*)@/gi)].map((match) => {
    const [user, ...rest] = match[1].split(':');
    return { user: unmask(user), password: rest.length ? unmask(rest.join(':')) : undefined };
  });
}

/** Every string anywhere in a value, with its path (for messages). */
function* strings(value: unknown, at: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [at, value];
  else if (Array.isArray(value))
    for (const [i, v] of value.entries()) yield* strings(v, `${at}[${i}]`);
  else if (isDict(value))
    for (const [k, v] of Object.entries(value)) yield* strings(v, `${at}.${k}`);
}

export interface PortBinding {
  hostIp: string | undefined;
  published: string;
  target: number;
}

/** Published ports in either compose syntax. */
function portsOf(service: Dict): PortBinding[] {
  const ports = service.ports;
  if (ports === undefined) return [];
  if (!Array.isArray(ports)) throw new Error('ports must be a list');
  return ports.map((p): PortBinding => {
    if (isDict(p)) {
      return {
        hostIp: p.host_ip as string | undefined,
        published: String(p.published ?? ''),
        target: Number(p.target),
      };
    }
    // [host_ip:]host_port:container_port[/proto]; host_ip may be [v6]; parts may be ${...} expressions.
    const spec = String(p).replace(/\/(tcp|udp)$/, '');
    const { masked, unmask } = maskInterpolations(spec);
    const fields = masked.startsWith('[')
      ? [masked.slice(1, masked.indexOf(']')), ...masked.slice(masked.indexOf(']') + 2).split(':')]
      : masked.split(':');
    const target = Number(unmask(fields[fields.length - 1]));
    if (fields.length === 3)
      return { hostIp: unmask(fields[0]), published: unmask(fields[1]), target };
    if (fields.length === 2) return { hostIp: undefined, published: unmask(fields[0]), target };
    return { hostIp: undefined, published: '', target };
  });
}

/** depends_on as a map (the list form has no conditions, which this deployment requires). */
function dependsOn(service: Dict): Record<string, Dict> {
  const deps = service.depends_on;
  if (deps === undefined) return {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [String(d), {}]));
  return deps as Record<string, Dict>;
}

function healthTest(service: Dict): string {
  const hc = service.healthcheck;
  if (!isDict(hc) || hc.disable === true || hc.test === undefined) return '';
  const test = Array.isArray(hc.test) ? hc.test.map(String) : ['CMD-SHELL', String(hc.test)];
  if (test[0] === 'NONE') return '';
  return test.join(' ');
}

/** Reads a compose file the way `docker compose` does, far enough to check its structure. */
export const composeFile = {
  isDict,
  loadCompose,
  environmentOf,
  interpolate,
  resolvedEnv,
  isSingleInterpolation,
  urlCredentials,
  strings,
  portsOf,
  dependsOn,
  healthTest,
};
