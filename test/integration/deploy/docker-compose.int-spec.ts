/**
 * Structure of the container deployment: docker-compose.yml, deploy/docker/Dockerfile and .dockerignore.
 *
 * This machine has no Docker engine and no `docker compose` plugin, so the files are checked by parsing
 * them. The compose file must define the infrastructure and exactly one service per platform app (as
 * listed in scripts/platform-apps.json, which is held to apps/). Each app must be wired to what its
 * own ConfigDefinition requires (the compose environment must pass its validation), publish on
 * loopback only, wait for healthy infrastructure, and take every secret from `${...}` interpolation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { isProductAppReadme } from '../../../scripts/docs/generate-asyncapi';
import platformApps from '../../../scripts/platform-apps.json';

const ROOT = path.resolve(__dirname, '../../..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const DOCKERFILE = 'deploy/docker/Dockerfile';

type Dict = Record<string, unknown>;
type Env = Record<string, string>;

// --- what the deployment must contain ---------------------------------------------------------------

/** Infrastructure services and the images they must run. */
const INFRA: Record<string, RegExp> = {
  kafka: /^apache\/kafka:3\.9\.\d+$/,
  postgres: /^postgres:15(\.\d+)*(-[a-z]+)?$/,
  mongo: /^mongo:7(\.\d+)*(-[a-z]+)?$/,
  rabbitmq: /^rabbitmq:3\.13(\.\d+)?-management(-[a-z]+)?$/,
  openbao: /^openbao\/openbao:\d+\.\d+(\.\d+)?$/,
};

/** The platform's apps and default HTTP ports: the list platform-up and the e2e harness read too. */
const DEFAULT_PORTS: Record<string, number> = Object.fromEntries(
  platformApps.map((app) => [app.name, app.port]),
);

const COMMON_REQUIRED = ['HTTP_PORT', 'DATABASE_URL', 'KAFKA_BROKERS'];

/** Variables each app needs beyond the common ones, including those later work adds to its config. */
const EXTRA_REQUIRED: Record<string, string[]> = {
  'tenant-registry': ['ADMIN_API_TOKEN', 'PRODUCT_TOKEN_SECRET', 'VAULT_ADDR', 'VAULT_TOKEN'],
  'credential-service': ['VAULT_ADDR', 'VAULT_TOKEN', 'SECRETS_ENCRYPTION_KEY'],
  'postgres-provisioner': ['TENANT_PG_ADMIN_URL'],
  'mongo-provisioner': ['MONGO_URL'],
  'broker-provisioner': ['RABBITMQ_MGMT_URL', 'RABBITMQ_AMQP_URL'],
};

/** Infrastructure each app must wait for (healthy) besides kafka and postgres. */
const EXTRA_DEPENDS: Record<string, string[]> = {
  'tenant-registry': ['openbao'],
  'credential-service': ['openbao'],
  'mongo-provisioner': ['mongo'],
  'broker-provisioner': ['rabbitmq'],
};

const SECRET_KEY = /PASS|TOKEN|SECRET|KEY/i;

// --- helpers ------------------------------------------------------------------------------------------

const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

function loadCompose(): { services: Record<string, Dict>; doc: Dict } {
  // `merge: true`: compose honours YAML merge keys (<<: *anchor), and so must the parser here.
  const doc = parse(fs.readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as unknown;
  if (!isDict(doc) || !isDict(doc.services))
    throw new Error('docker-compose.yml has no services map');
  return { services: doc.services as Record<string, Dict>, doc };
}

/**
 * The platform's apps as found in apps/: every apps/<name> with a src/main.ts, except sample products
 * (their README starts with `**Product:**`), which are users of the platform, not part of its stack.
 */
function appDirectories(): string[] {
  const isProduct = (name: string) =>
    isProductAppReadme(fs.readFileSync(path.join(ROOT, 'apps', name, 'README.md'), 'utf8'));
  return fs
    .readdirSync(path.join(ROOT, 'apps'), { withFileTypes: true })
    .filter(
      (d) =>
        d.isDirectory() &&
        fs.existsSync(path.join(ROOT, 'apps', d.name, 'src', 'main.ts')) &&
        !isProduct(d.name),
    )
    .map((d) => d.name)
    .sort();
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

interface PortBinding {
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

interface ConfigDefinitionLike {
  variables: Record<
    string,
    { schema: { safeParse(v: unknown): { success: boolean } }; secret?: boolean }
  >;
  load(env: NodeJS.ProcessEnv): unknown;
}

const isConfigDefinition = (v: unknown): v is ConfigDefinitionLike =>
  isDict(v) && isDict(v.variables) && typeof v.load === 'function';

/** The ConfigDefinition(s) an app exports from apps/<name>/src/config/*.config.ts. */
async function appConfigs(app: string): Promise<ConfigDefinitionLike[]> {
  const dir = path.join(ROOT, 'apps', app, 'src', 'config');
  if (!fs.existsSync(dir)) return [];
  const found: ConfigDefinitionLike[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.config.ts'))) {
    const mod = (await import(path.join(dir, file))) as Dict;
    found.push(...Object.values(mod).filter(isConfigDefinition));
  }
  return found;
}

// --- the compose file -----------------------------------------------------------------------------------

describe('docker-compose.yml', () => {
  const { services, doc } = loadCompose();
  const apps = Object.keys(DEFAULT_PORTS).sort();
  const noVars: Env = {};
  const overrides: Env = {
    POSTGRES_USER: 'prod_owner',
    POSTGRES_PASSWORD: 'override-pg-0123456789',
    MONGO_ROOT_USER: 'prod_mongo_root',
    MONGO_ROOT_PASSWORD: 'override-mongo-0123456789',
    RABBITMQ_USER: 'prod_rabbit',
    RABBITMQ_PASSWORD: 'override-rabbit-0123456789',
    OPENBAO_ROOT_TOKEN: 'override-bao-token-0123456789',
  };

  it('parses, without the obsolete top-level `version`', () => {
    expect(Object.keys(services).length).toBeGreaterThan(0);
    expect(doc).not.toHaveProperty('version');
  });

  it('lists every platform app in apps/ once, each on its own port', () => {
    // Also guards the test itself: an empty list would make the per-app checks vacuous.
    expect(apps.length).toBeGreaterThan(0);
    expect(platformApps.map((app) => app.name).sort()).toEqual(appDirectories());
    expect(new Set(Object.values(DEFAULT_PORTS)).size).toBe(platformApps.length);
  });

  it('defines the infrastructure services with their images and healthchecks', () => {
    for (const [name, image] of Object.entries(INFRA)) {
      expect({ name, defined: isDict(services[name]) }).toEqual({ name, defined: true });
      expect({ name, image: services[name].image }).toEqual({
        name,
        image: expect.stringMatching(image),
      });
      expect({ name, hasHealthcheck: healthTest(services[name]) !== '' }).toEqual({
        name,
        hasHealthcheck: true,
      });
    }
    expect(healthTest(services.kafka)).toContain('kafka-broker-api-versions.sh');
    expect(healthTest(services.rabbitmq)).toContain('rabbitmq-diagnostics');
    expect(healthTest(services.postgres)).toContain('pg_isready');
    expect(healthTest(services.openbao)).toMatch(/\bbao status\b/);
  });

  it('has exactly one service per listed app, besides the infrastructure', () => {
    const appServices = Object.keys(services)
      .filter((s) => !(s in INFRA))
      .sort();
    expect(appServices).toEqual(apps);
  });

  it('runs Kafka as a single KRaft node reachable on the compose network', () => {
    const env = resolvedEnv(services.kafka, noVars);
    expect(env.KAFKA_NODE_ID).toMatch(/^\d+$/);
    expect(
      env.KAFKA_PROCESS_ROLES.split(',')
        .map((r) => r.trim())
        .sort(),
    ).toEqual(['broker', 'controller']);
    expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(`${env.KAFKA_NODE_ID}@kafka:9093`);
    expect(env.KAFKA_CONTROLLER_LISTENER_NAMES).toBe('CONTROLLER');
    expect(env.KAFKA_LISTENERS).toMatch(/(^|,)CONTROLLER:\/\/[^,]*:9093(,|$)/);
    // The apps' bootstrap address must be one the broker advertises.
    expect(
      env.KAFKA_ADVERTISED_LISTENERS.split(',').map((l) => l.replace(/^[A-Z_]+:\/\//, '')),
    ).toContain('kafka:9092');
    const protocolMap = Object.fromEntries(
      env.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP.split(',').map((p) => p.split(':')),
    );
    for (const listener of env.KAFKA_LISTENERS.split(',')) {
      expect(protocolMap).toHaveProperty([listener.split(':')[0]]);
    }
    expect(env.CLUSTER_ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe('1');
    expect(env.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR).toBe('1');
    expect(env.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR).toBe('1');
    expect(env.KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS).toBe('0');
  });

  it('gives MongoDB a root user and OpenBao a dev root token (real auth, real vault)', () => {
    const mongo = environmentOf(services.mongo);
    expect(mongo.MONGO_INITDB_ROOT_USERNAME).toBeTruthy();
    expect(mongo.MONGO_INITDB_ROOT_PASSWORD).toBeTruthy();
    const bao = environmentOf(services.openbao);
    expect(bao.BAO_DEV_ROOT_TOKEN_ID).toBeTruthy();
    expect(bao.BAO_DEV_LISTEN_ADDRESS).toMatch(/^0\.0\.0\.0:8200$/);
    const command = services.openbao.command;
    expect(Array.isArray(command) ? command.join(' ') : String(command ?? 'server -dev')).toMatch(
      /server -dev\b/,
    );
    expect(resolvedEnv(services.postgres, noVars).POSTGRES_DB).toBe('enclave');
  });

  describe.each(apps)('app service %s', (app) => {
    const service = services[app] ?? {};
    const env = environmentOf(service);

    it('builds from deploy/docker/Dockerfile with APP set to its name', () => {
      const build = service.build;
      expect(isDict(build)).toBe(true);
      const b = build as Dict;
      const context = path.resolve(ROOT, String(b.context ?? '.'));
      expect(context).toBe(ROOT);
      expect(path.resolve(context, String(b.dockerfile ?? 'Dockerfile'))).toBe(
        path.join(ROOT, DOCKERFILE),
      );
      const args = b.args;
      const app_ = Array.isArray(args)
        ? args
            .map(String)
            .find((a) => a.startsWith('APP='))
            ?.slice(4)
        : isDict(args)
          ? args.APP
          : undefined;
      expect(app_).toBe(app);
    });

    it('restarts unless stopped and has a node healthcheck on its HTTP port', () => {
      expect(service.restart).toBe('unless-stopped');
      const test = healthTest(service);
      expect(test).toMatch(/\/health\b/);
      expect(test).toContain('HTTP_PORT');
    });

    it('listens on 0.0.0.0 in the container and publishes its port on 127.0.0.1 only', () => {
      expect(env.HTTP_HOST).toBe('0.0.0.0');
      const port = Number(interpolate(env.HTTP_PORT ?? '', noVars));
      expect(port).toBe(DEFAULT_PORTS[app]);
      const ports = portsOf(service);
      expect(ports.map((p) => p.target)).toContain(port);
      for (const p of ports) expect(p.hostIp).toBe('127.0.0.1');
    });

    it('sets every variable its config requires, and those later work adds', () => {
      for (const name of [...COMMON_REQUIRED, ...(EXTRA_REQUIRED[app] ?? [])]) {
        expect({ name, value: interpolate(env[name] ?? '', noVars) }).toEqual({
          name,
          value: expect.stringMatching(/\S/),
        });
      }
      expect(resolvedEnv(service, noVars).KAFKA_BROKERS.split(',')).toEqual(['kafka:9092']);
    });

    it("passes the app's own config validation, with the dev defaults and with overrides", async () => {
      const configs = await appConfigs(app);
      expect(configs.length).toBeGreaterThan(0);
      for (const config of configs) {
        const required = Object.entries(config.variables)
          .filter(([, v]) => !v.schema.safeParse(undefined).success)
          .map(([k]) => k);
        expect(required).toEqual(expect.arrayContaining(COMMON_REQUIRED));
        expect(Object.keys(env)).toEqual(expect.arrayContaining(required));
        expect(() => config.load(resolvedEnv(service, noVars))).not.toThrow();
        expect(() => config.load(resolvedEnv(service, overrides))).not.toThrow();
      }
    });

    it('waits for healthy kafka and postgres (and the infrastructure it provisions)', () => {
      const deps = dependsOn(service);
      for (const dep of ['kafka', 'postgres', ...(EXTRA_DEPENDS[app] ?? [])]) {
        expect({ dep, condition: deps[dep]?.condition }).toEqual({
          dep,
          condition: 'service_healthy',
        });
      }
    });
  });

  it('connects the apps with the credentials the infrastructure is created with, overrides included', () => {
    const host = (url: string) => new URL(url).host;
    const creds = (url: string) => {
      const u = new URL(url);
      return [decodeURIComponent(u.username), decodeURIComponent(u.password)];
    };
    for (const vars of [noVars, overrides]) {
      const pg = resolvedEnv(services.postgres, vars);
      const mongo = resolvedEnv(services.mongo, vars);
      const rabbit = resolvedEnv(services.rabbitmq, vars);
      const bao = resolvedEnv(services.openbao, vars);
      for (const app of apps) {
        const env = resolvedEnv(services[app], vars);
        const db = new URL(env.DATABASE_URL);
        expect([host(env.DATABASE_URL), db.pathname]).toEqual(['postgres:5432', '/enclave']);
        expect(creds(env.DATABASE_URL)).toEqual([pg.POSTGRES_USER, pg.POSTGRES_PASSWORD]);
        if (env.TENANT_PG_ADMIN_URL) {
          expect(host(env.TENANT_PG_ADMIN_URL)).toBe('postgres:5432');
          expect(creds(env.TENANT_PG_ADMIN_URL)).toEqual([pg.POSTGRES_USER, pg.POSTGRES_PASSWORD]);
        }
        if (env.MONGO_URL) {
          expect(host(env.MONGO_URL)).toBe('mongo:27017');
          expect(creds(env.MONGO_URL)).toEqual([
            mongo.MONGO_INITDB_ROOT_USERNAME,
            mongo.MONGO_INITDB_ROOT_PASSWORD,
          ]);
          expect(new URL(env.MONGO_URL).searchParams.get('authSource')).toBe('admin');
        }
        if (env.RABBITMQ_MGMT_URL) {
          expect(host(env.RABBITMQ_MGMT_URL)).toBe('rabbitmq:15672');
          expect(creds(env.RABBITMQ_MGMT_URL)).toEqual([
            rabbit.RABBITMQ_DEFAULT_USER,
            rabbit.RABBITMQ_DEFAULT_PASS,
          ]);
        }
        if (env.RABBITMQ_AMQP_URL) {
          expect(host(env.RABBITMQ_AMQP_URL)).toBe('rabbitmq:5672');
          expect(creds(env.RABBITMQ_AMQP_URL)).toEqual([
            rabbit.RABBITMQ_DEFAULT_USER,
            rabbit.RABBITMQ_DEFAULT_PASS,
          ]);
        }
        if (env.VAULT_ADDR) {
          expect(host(env.VAULT_ADDR)).toBe('openbao:8200');
          expect(env.VAULT_TOKEN).toBe(bao.BAO_DEV_ROOT_TOKEN_ID);
        }
      }
    }
  });

  it('uses no host networking and no privileged containers', () => {
    for (const [name, service] of Object.entries(services)) {
      expect({ name, network_mode: service.network_mode }).not.toEqual({
        name,
        network_mode: 'host',
      });
      expect({ name, privileged: service.privileged ?? false }).toEqual({
        name,
        privileged: false,
      });
    }
  });

  it('publishes every port of every service on 127.0.0.1 only, each host port once', () => {
    const seen = new Map<string, string>();
    for (const [name, service] of Object.entries(services)) {
      for (const p of portsOf(service)) {
        expect({ name, hostIp: p.hostIp }).toEqual({ name, hostIp: '127.0.0.1' });
        expect({ name, published: p.published }).toEqual({
          name,
          published: expect.stringMatching(/\S/),
        });
        const published = interpolate(p.published, noVars);
        expect({ port: published, usedBy: seen.get(published) }).toEqual({
          port: published,
          usedBy: undefined,
        });
        seen.set(published, name);
      }
    }
    expect(seen.size).toBeGreaterThanOrEqual(apps.length);
  });

  it('takes every secret from ${...} interpolation, never a literal', () => {
    let checked = 0;
    for (const [name, service] of Object.entries(services)) {
      for (const [key, value] of Object.entries(environmentOf(service))) {
        if (!SECRET_KEY.test(key)) continue;
        checked += 1;
        expect({ service: name, key, value, interpolated: isSingleInterpolation(value) }).toEqual({
          service: name,
          key,
          value,
          interpolated: true,
        });
      }
    }
    // Credentials inside URLs, anywhere in the file (environment, healthchecks, commands...).
    for (const [at, value] of strings(doc, '$')) {
      for (const { password } of urlCredentials(value)) {
        if (password === undefined) continue;
        checked += 1;
        expect({ at, password, interpolated: isSingleInterpolation(password) }).toEqual({
          at,
          password,
          interpolated: true,
        });
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });
});

// --- the image ----------------------------------------------------------------------------------------

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions (comments and parser directives dropped, continuations joined). */
function dockerfileInstructions(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [op, ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

describe(DOCKERFILE, () => {
  const instructions = dockerfileInstructions(fs.readFileSync(path.join(ROOT, DOCKERFILE), 'utf8'));
  const froms = instructions
    .map((ins, i) => [ins, i] as const)
    .filter(([ins]) => ins.op === 'FROM');
  const lastFrom = froms[froms.length - 1]?.[1] ?? 0;
  const build = instructions.slice(0, lastFrom);
  const runtime = instructions.slice(lastFrom);
  const runs = build.filter((i) => i.op === 'RUN').map((i) => i.args);

  it('is multi-stage on node:20-bookworm-slim', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    const text = instructions
      .filter((i) => i.op === 'FROM' || i.op === 'ARG')
      .map((i) => i.args)
      .join('\n');
    expect(text).toContain('node:20-bookworm-slim');
  });

  it('installs with npm ci, builds with `npm run build` and drops dev dependencies', () => {
    expect(runs.some((r) => /\bnpm ci\b/.test(r))).toBe(true);
    expect(runs.some((r) => /\bnpm run build\b/.test(r))).toBe(true);
    expect(runs.some((r) => /\bnpm prune\b.*--omit=dev/.test(r))).toBe(true);
    const runtimeCopies = runtime.filter((i) => i.op === 'COPY').map((i) => i.args);
    for (const what of ['dist', 'node_modules', 'package.json']) {
      expect({
        what,
        copied: runtimeCopies.some((c) => c.startsWith('--from=') && c.includes(what)),
      }).toEqual({
        what,
        copied: true,
      });
    }
  });

  it('runs as a non-root user', () => {
    const users = runtime.filter((i) => i.op === 'USER').map((i) => i.args.split(':')[0]);
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^(root|0)$/);
  });

  it('has a HEALTHCHECK on /health done with node', () => {
    const hc = runtime.find((i) => i.op === 'HEALTHCHECK');
    expect(hc?.args).toMatch(/\bCMD\b/);
    expect(hc?.args).toContain('node');
    expect(hc?.args).toMatch(/\/health\b/);
  });

  it('sets production defaults and starts the app chosen by APP with node as the signalled process', () => {
    expect(runtime.some((i) => i.op === 'ARG' && /^APP\b/.test(i.args))).toBe(true);
    const envs = runtime
      .filter((i) => i.op === 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(envs).toMatch(/\bNODE_ENV=production\b/);
    expect(envs).toMatch(/\bHTTP_HOST=0\.0\.0\.0\b/);
    const start = [...runtime].reverse().find((i) => i.op === 'CMD' || i.op === 'ENTRYPOINT');
    expect(start).toBeDefined();
    const argv = JSON.parse(start!.args) as string[]; // exec form (a JSON array), so signals are not eaten
    const line = argv.join(' ');
    expect(line).toContain('dist/apps/${APP}/src/main.js');
    expect(argv[0] === 'node' || /\bexec node\b/.test(line)).toBe(true);
  });

  it('has a .dockerignore that keeps host builds out and the sources in', () => {
    const ignore = fs
      .readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.replace(/^\*\*\//, '').replace(/\/$/, ''));
    for (const out of ['node_modules', 'dist', '.git', '.cache', '.nx', 'coverage'])
      expect(ignore).toContain(out);
    // Whatever the Dockerfile copies from the context must not be ignored.
    const copied = build
      .filter((i) => i.op === 'COPY' && !i.args.startsWith('--from='))
      .flatMap((i) =>
        i.args
          .split(/\s+/)
          .filter((a) => !a.startsWith('--'))
          .slice(0, -1),
      );
    expect(copied).toEqual(
      expect.arrayContaining([
        'package.json',
        'package-lock.json',
        'patches',
        'apps',
        'libs',
        'scripts',
      ]),
    );
    for (const src of copied) {
      expect({ src, ignored: ignore.includes(src) || ignore.includes(src.split('/')[0]) }).toEqual({
        src,
        ignored: false,
      });
      expect(fs.existsSync(path.join(ROOT, src))).toBe(true);
    }
  });
});
