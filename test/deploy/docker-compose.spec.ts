/**
 * Structure of the container deployment: docker-compose.yml (the image: dockerfile.spec.ts).
 *
 * This machine has no Docker engine and no `docker compose` plugin, so the file is checked by parsing
 * it, with no server (a unit spec): the compose file must define the infrastructure and exactly one
 * service per platform app (scripts/platform-apps.json, held to apps/), wire each app to what its config requires (the app's own ConfigDefinition
 * decides what is required, and the compose environment must pass its validation), publish on
 * loopback only, gate start-up on healthy infrastructure, and take every secret from `${...}`
 * interpolation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isProductAppReadme } from '../../scripts/docs/generate-asyncapi';
import { Dict, Env, composeFile } from './support/compose-file.reader';
import platformApps from '../../scripts/platform-apps.json';
import {
  KNOWN_EXAMPLE_SECRETS,
  PlatformPostgresRoles,
  isKnownExampleSecret,
} from '@enclave/service-kit';
import { rolePassword } from '../../tools/postgres-roles/src/role-password';
import { COMPOSE_ACLS_PATH, composeAcls } from '../../scripts/kafka/generate-compose-acls';

const ROOT = path.resolve(__dirname, '../..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const DOCKERFILE = 'deploy/docker/Dockerfile';

const {
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
} = composeFile;

// --- what the deployment must contain ---------------------------------------------------------------

/** Infrastructure services and the images they must run. */
const INFRA: Record<string, RegExp> = {
  kafka: /^apache\/kafka:3\.9\.\d+$/,
  postgres: /^postgres:15(\.\d+)*(-[a-z]+)?$/,
  mongo: /^mongo:7(\.\d+)*(-[a-z]+)?$/,
  rabbitmq: /^rabbitmq:3\.13(\.\d+)?-management(-[a-z]+)?$/,
  openbao: /^openbao\/openbao:\d+\.\d+(\.\d+)?$/,
  prometheus: /^prom\/prometheus:v2\.\d+\.\d+$/,
  grafana: /^grafana\/grafana:\d+\.\d+\.\d+$/,
};

/** The platform's apps and default HTTP ports: the list platform-up and the e2e harness read too. */
const DEFAULT_PORTS: Record<string, number> = Object.fromEntries(
  platformApps.map((app) => [app.name, app.port]),
);

/** Operator tools beside the platform (same image, no state of their own) and their ports. */
const TOOLS: Record<string, number> = { 'operator-console': 7110 };

/**
 * One-shot set-up services: each app's vault policy and token (openbao-policies.spec.ts), and the
 * platform's PostgreSQL roles.
 */
const ONE_SHOT = ['openbao-init', 'postgres-roles'];

const COMMON_REQUIRED = ['HTTP_PORT', 'DATABASE_URL', 'KAFKA_BROKERS'];

/** Variables each app needs beyond the common ones, including those later work adds to its config. */
const EXTRA_REQUIRED: Record<string, string[]> = {
  'tenant-registry': ['ADMIN_API_TOKEN', 'PRODUCT_TOKEN_SECRET', 'VAULT_ADDR', 'VAULT_TOKEN'],
  'credential-service': ['VAULT_ADDR', 'VAULT_TOKEN', 'SECRETS_ENCRYPTION_KEY'],
  'postgres-provisioner': ['TENANT_PG_ADMIN_URL'],
  'mongo-provisioner': ['MONGO_URL'],
  'broker-provisioner': ['RABBITMQ_MGMT_URL', 'RABBITMQ_AMQP_URL'],
  'readiness-aggregator': ['ADMIN_API_TOKEN'],
};

/** Apps with an operator API: they must all accept the one operator token. */
const OPERATOR_APIS = ['tenant-registry', 'readiness-aggregator'];

/** Infrastructure each app must wait for (healthy) besides kafka and postgres. */
const EXTRA_DEPENDS: Record<string, string[]> = {
  'tenant-registry': ['openbao'],
  'credential-service': ['openbao'],
  'mongo-provisioner': ['mongo'],
  'broker-provisioner': ['rabbitmq'],
};

const SECRET_KEY = /PASS|TOKEN|SECRET|KEY/i;

// --- the apps ---------------------------------------------------------------------------------------------

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
  const { services, doc } = loadCompose(COMPOSE_FILE);
  /** The names postgres-roles gives (prefix `enclave`), from the bootstrap itself. */
  const pgRoles = new PlatformPostgresRoles({
    adminUrl: 'postgres://unused@postgres/postgres',
    database: 'enclave',
    apps: platformApps.map((a) => a.name),
  });
  const jobEnv = (vars: Env) => resolvedEnv(services['postgres-roles'], vars);
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
    // Each app's own vault token (openbao-init makes them).
    ...Object.fromEntries(
      apps.map((app) => [
        `${app.toUpperCase().replace(/-/g, '_')}_VAULT_TOKEN`,
        `override-vault-${app}-0123456789`,
      ]),
    ),
    ADMIN_API_TOKEN: 'override-admin-token-0123456789abcdef',
    PRODUCT_TOKEN_SECRET: 'override-product-token-key-0123456789abcdef',
    SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    METRICS_TOKEN: 'override-metrics-token-0123456789',
    GRAFANA_ADMIN_PASSWORD: 'override-grafana-0123456789',
    KAFKA_ADMIN_PASSWORD: 'override-kafka-admin-0123456789',
    ...Object.fromEntries(
      Object.keys(DEFAULT_PORTS).map((app) => [
        `KAFKA_${app.toUpperCase().replace(/-/g, '_')}_PASSWORD`,
        `override-kafka-${app}-0123456789`,
      ]),
    ),
    ...Object.fromEntries(
      [...platformApps.map((a) => a.name), 'tenant-admin'].map((role) => [
        `PG_PASSWORD_${role.replace(/-/g, '_').toUpperCase()}`,
        `override-pg-${role}-0123456789`,
      ]),
    ),
  };
  /** A development stack: the example values, allowed by the explicit flag. */
  const devFlag: Env = { ENCLAVE_ALLOW_EXAMPLE_SECRETS: 'true' };

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

  it('has exactly one service per listed app, besides the infrastructure and the operator tools', () => {
    const appServices = Object.keys(services)
      .filter((s) => !(s in INFRA) && !(s in TOOLS) && !ONE_SHOT.includes(s))
      .sort();
    expect(appServices).toEqual(apps);
    for (const tool of [...Object.keys(TOOLS), ...ONE_SHOT])
      expect(services).toHaveProperty([tool]);
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

  it('makes Kafka authenticate every listener (SASL) and allow nothing no ACL allows', () => {
    const env = resolvedEnv(services.kafka, noVars);
    const protocols = env.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP.split(',').map(
      (p) => p.split(':')[1],
    );
    expect(new Set(protocols)).toEqual(new Set(['SASL_PLAINTEXT']));
    expect(env.KAFKA_SASL_ENABLED_MECHANISMS).toBe('SCRAM-SHA-512');
    // Every SCRAM listener has its JAAS entry (the broker does not start without one).
    for (const listener of env.KAFKA_LISTENERS.split(',').map((l) => l.split(':')[0])) {
      if (listener === 'CONTROLLER') continue;
      expect({
        listener,
        jaas: env[`KAFKA_LISTENER_NAME_${listener}_SCRAM___SHA___512_SASL_JAAS_CONFIG`],
      }).toEqual({ listener, jaas: expect.stringMatching(/ScramLoginModule required\b/) });
    }
    expect(env.KAFKA_AUTHORIZER_CLASS_NAME).toBe(
      'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    );
    expect(env.KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND).toBe('false');
    expect(env.KAFKA_SUPER_USERS).toBe('User:admin');
    // The start script makes the SCRAM users and adds the generated ACLs before it is healthy.
    expect(services.kafka.entrypoint).toEqual(['/bin/bash', '/enclave/start-kafka.sh']);
    const volumes = (services.kafka.volumes as unknown[]).map(String);
    expect(volumes).toContain('./deploy/kafka/start-kafka.sh:/enclave/start-kafka.sh:ro');
    expect(volumes).toContain('./deploy/kafka/acls.txt:/enclave/acls.txt:ro');
    expect(healthTest(services.kafka)).toContain('/tmp/enclave-acls-applied');
  });

  it('gives each app a Kafka principal of its own, made with the password the app is given, overrides included', () => {
    for (const vars of [noVars, overrides]) {
      const users = Object.fromEntries(
        resolvedEnv(services.kafka, vars)
          .SCRAM_USERS.split(/\s+/)
          .filter(Boolean)
          .map((entry) => [
            entry.slice(0, entry.indexOf('=')),
            entry.slice(entry.indexOf('=') + 1),
          ]),
      );
      expect(Object.keys(users).sort()).toEqual(
        ['admin', ...apps.map((a) => `enclave-${a}`)].sort(),
      );
      for (const app of apps) {
        const env = resolvedEnv(services[app], vars);
        expect(env.KAFKA_SASL_USERNAME).toBe(`enclave-${app}`);
        expect(env.KAFKA_SASL_PASSWORD).toBe(users[`enclave-${app}`]);
      }
    }
  });

  it('adds the ACLs of the one ownership map (deploy/kafka/acls.txt is up to date), some for every app', () => {
    // On failure: npm run docs:kafka-acls, review and commit.
    expect(fs.readFileSync(COMPOSE_ACLS_PATH, 'utf8')).toBe(composeAcls());
    const principals = new Set(
      composeAcls()
        .split('\n')
        .filter((line) => line && !line.startsWith('#'))
        .map((line) => line.split(' ')[0]),
    );
    expect([...principals].sort()).toEqual(apps.map((a) => `enclave-${a}`).sort());
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

    it("passes the app's own config validation with overrides, and with the example values only under the dev flag", async () => {
      const configs = await appConfigs(app);
      expect(configs.length).toBeGreaterThan(0);
      for (const config of configs) {
        const required = Object.entries(config.variables)
          .filter(([, v]) => !v.schema.safeParse(undefined).success)
          .map(([k]) => k);
        expect(required).toEqual(expect.arrayContaining(COMMON_REQUIRED));
        expect(Object.keys(env)).toEqual(expect.arrayContaining(required));
        expect(() => config.load(resolvedEnv(service, devFlag))).not.toThrow();
        expect(() => config.load(resolvedEnv(service, overrides))).not.toThrow();
        const secrets = Object.entries(config.variables).filter(([, v]) => v.secret);
        const examples = secrets.filter(([k]) => {
          const value = resolvedEnv(service, noVars)[k];
          return value !== undefined && isKnownExampleSecret(value);
        });
        if (examples.length > 0) {
          expect(() => config.load(resolvedEnv(service, noVars))).toThrow(
            /published example value/,
          );
        }
      }
    });

    it('refuses the example secrets unless ENCLAVE_ALLOW_EXAMPLE_SECRETS is set (default false)', () => {
      expect(resolvedEnv(service, noVars).ENCLAVE_ALLOW_EXAMPLE_SECRETS).toBe('false');
      expect(resolvedEnv(service, devFlag).ENCLAVE_ALLOW_EXAMPLE_SECRETS).toBe('true');
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
        // Its own role, with the password postgres-roles gave that role: never the superuser's.
        const role = pgRoles.roleOf(app);
        expect(creds(env.DATABASE_URL)).toEqual([
          role,
          rolePassword(jobEnv(vars), 'enclave', role),
        ]);
        expect(app === 'postgres-provisioner' ? 'has' : 'none').toBe(
          env.TENANT_PG_ADMIN_URL ? 'has' : 'none',
        );
        if (env.TENANT_PG_ADMIN_URL) {
          expect(host(env.TENANT_PG_ADMIN_URL)).toBe('postgres:5432');
          const admin = pgRoles.tenantAdminRole;
          expect(creds(env.TENANT_PG_ADMIN_URL)).toEqual([
            admin,
            rolePassword(jobEnv(vars), 'enclave', admin),
          ]);
        }
        for (const [key, value] of Object.entries(env).filter(([, v]) => v.startsWith('postgres')))
          for (const { user } of urlCredentials(value))
            expect({ app, key, user }).not.toEqual({ app, key, user: pg.POSTGRES_USER });
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
          // Its own token with its own policy (openbao-policies.spec.ts), never the root token.
          expect(env.VAULT_TOKEN).toMatch(/\S/);
          expect(env.VAULT_TOKEN).not.toBe(bao.BAO_DEV_ROOT_TOKEN_ID);
        }
      }
    }
  });

  it('makes the PostgreSQL roles once, with the superuser, before any app starts', () => {
    const job = services['postgres-roles'];
    expect(job.command).toEqual(['node', 'dist/tools/postgres-roles/src/main.js']);
    expect(job.restart).toBe('no');
    expect(dependsOn(job).postgres?.condition).toBe('service_healthy');
    for (const vars of [noVars, overrides]) {
      const pg = resolvedEnv(services.postgres, vars);
      const env = jobEnv(vars);
      const admin = new URL(env.PG_ADMIN_URL);
      expect([
        admin.host,
        decodeURIComponent(admin.username),
        decodeURIComponent(admin.password),
      ]).toEqual(['postgres:5432', pg.POSTGRES_USER, pg.POSTGRES_PASSWORD]);
      expect([env.ENCLAVE_DB, env.ENCLAVE_PG_ROLE_PREFIX]).toEqual([pg.POSTGRES_DB, 'enclave']);
      // PUBLIC loses CONNECT on `postgres` too: the server is the platform's own here.
      expect(env.ENCLAVE_PG_CLOSE_MAINTENANCE_DB).toBe('true');
      expect(env.ENCLAVE_PG_ROLES_OUTPUT).toBe('none');
    }
    for (const app of apps)
      expect({ app, condition: dependsOn(services[app])['postgres-roles']?.condition }).toEqual({
        app,
        condition: 'service_completed_successfully',
      });
  });

  it('gives every app with an operator API the same operator token, overrides included', () => {
    const adminToken = 'override-admin-token-0123456789abcdef';
    for (const vars of [noVars, { ...overrides, ADMIN_API_TOKEN: adminToken }]) {
      const tokens = OPERATOR_APIS.map((app) => resolvedEnv(services[app], vars).ADMIN_API_TOKEN);
      expect(tokens).toEqual(OPERATOR_APIS.map(() => vars.ADMIN_API_TOKEN ?? tokens[0]));
      expect(tokens[0]).toMatch(/^\S{32,}$/);
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

  it('publishes only example secrets the services know to refuse', () => {
    // Every `${VAR:-default}` fallback of a password, token or key anywhere in the file.
    const defaults = new Set<string>();
    for (const [, value] of strings(doc, '$')) {
      for (const [, name, fallback] of value.matchAll(/\$\{([A-Z0-9_]+):-([^}]*)\}/g)) {
        if (/PASSWORD|TOKEN|_KEY$|SECRET$/.test(name) && fallback !== '') defaults.add(fallback);
      }
    }
    expect(defaults.size).toBeGreaterThanOrEqual(5);
    expect([...defaults].filter((d) => !KNOWN_EXAMPLE_SECRETS.has(d))).toEqual([]);
  });

  describe('operator-console', () => {
    const service = services['operator-console'] ?? {};
    const env = environmentOf(service);

    it('builds the one image with APP=operator-console, restarts, and is healthy when ready', () => {
      const build = service.build as Dict;
      expect(path.resolve(ROOT, String(build.context))).toBe(ROOT);
      expect(build.dockerfile).toBe(DOCKERFILE);
      expect((build.args as Dict).APP).toBe('operator-console');
      expect(service.restart).toBe('unless-stopped');
      expect(healthTest(service)).toMatch(/\/health\/ready\b/);
    });

    it('listens on 0.0.0.0:7110 and publishes it on 127.0.0.1 only', () => {
      expect(env.HTTP_HOST).toBe('0.0.0.0');
      expect(Number(interpolate(env.HTTP_PORT, noVars))).toBe(TOOLS['operator-console']);
      expect(portsOf(service)).toEqual([
        expect.objectContaining({ hostIp: '127.0.0.1', target: 7110 }),
      ]);
    });

    it('passes its own config validation, and refuses the example session key without the dev flag', async () => {
      const { operatorConsoleConfig } =
        await import('../../apps/operator-console/src/config/operator-console.config');
      expect(() => operatorConsoleConfig.load(resolvedEnv(service, devFlag))).not.toThrow();
      expect(() =>
        operatorConsoleConfig.load(
          resolvedEnv(service, { ...overrides, CONSOLE_SESSION_KEY: 'x'.repeat(40) }),
        ),
      ).not.toThrow();
      expect(() => operatorConsoleConfig.load(resolvedEnv(service, noVars))).toThrow(
        /CONSOLE_SESSION_KEY[\s\S]*published example value/,
      );
      expect(resolvedEnv(service, noVars).ENCLAVE_ALLOW_EXAMPLE_SECRETS).toBe('false');
    });

    it("calls the registry's service, shows every platform app at its service and port, scrapes with the apps' metrics token", () => {
      for (const vars of [noVars, overrides]) {
        const resolved = resolvedEnv(service, vars);
        expect(resolved.REGISTRY_URL).toBe(
          `http://tenant-registry:${DEFAULT_PORTS['tenant-registry']}`,
        );
        const listed = Object.fromEntries(
          resolved.PLATFORM_APPS.split(',').map((entry) => entry.split('=')),
        );
        expect(listed).toEqual(
          Object.fromEntries(apps.map((app) => [app, `http://${app}:${DEFAULT_PORTS[app]}`])),
        );
        for (const app of apps) {
          expect(listed[app]).toBe(
            `http://${app}:${interpolate(environmentOf(services[app]).HTTP_PORT, vars)}`,
          );
          expect(resolved.METRICS_TOKEN).toBe(resolvedEnv(services[app], vars).METRICS_TOKEN);
        }
      }
    });

    it('holds nothing: no database, Kafka, vault, operator or product secret, and waits only for the registry', () => {
      const held = Object.keys(env).filter((k) =>
        /^(DATABASE_|KAFKA_|VAULT_|SECRET|ADMIN_API_TOKEN|PRODUCT_TOKEN|TENANT_|MONGO_|RABBITMQ_)/.test(
          k,
        ),
      );
      expect(held).toEqual([]);
      expect(dependsOn(service)).toEqual({ 'tenant-registry': { condition: 'service_healthy' } });
    });
  });
});
