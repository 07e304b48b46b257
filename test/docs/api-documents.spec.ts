import {
  EventDefinition,
  PlatformEvents,
  Topics,
  deadLetterTopicOf,
  eventEnvelopeSchema,
  tenantIdSchema,
} from '@enclave/contracts';
import fs from 'node:fs';
import path from 'node:path';
import {
  ASYNCAPI_PATH,
  DEAD_LETTER_HEADERS,
  buildAsyncApi,
  isProductAppReadme,
  partitionKeyTemplate,
  readAppTopics,
} from '../../scripts/docs/generate-asyncapi';
import { OPENAPI_PATH, buildOpenApiDocument } from '../../scripts/docs/generate-openapi';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const root = path.resolve(__dirname, '../..');

/** Topics that nothing consumes yet: they must still be produced, and must gain a receiver here. */
// RolloutStateChanged and the dead-letter decisions are for operators' tools (dashboards,
// billing), none of which consumes them yet. (TenantCreated and TenantOffboarded go into the
// tenant history.)
const NO_CONSUMER_YET: readonly string[] = [Topics.RolloutStateChanged];

const events = Object.values(PlatformEvents) as readonly EventDefinition[];

function committed(file: string): Json {
  expect(fs.existsSync(file)).toBe(true);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
}

function expectUpToDate(file: string, built: Json, script: string): void {
  const rel = path.relative(root, file);
  const actual = committed(file);
  // Compared as JSON (prettier owns the layout); on failure: regenerate, review and commit.
  const difference = firstDifference(actual, built);
  if (difference !== null) {
    throw new Error(
      `${rel} is out of date (first difference at ${difference || '(root)'}): ` +
        `run \`npm run ${script}\` and commit the result`,
    );
  }
}

/** The JSON path of the first difference between two JSON values, or null when they are equal. */
function firstDifference(a: unknown, b: unknown, at = ''): string | null {
  if (JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b))) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const found = firstDifference((a as Json)[key], (b as Json)[key], `${at}/${key}`);
      if (found !== null) return found;
    }
  }
  return at;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Json)[k])]),
    );
  }
  return value;
}

/** Follows a local `#/a/b/c` reference. */
function resolve(doc: Json, ref: string): Json {
  expect(ref).toMatch(/^#\//);
  const target = ref
    .slice(2)
    .split('/')
    .reduce<Json | undefined>((node, part) => node?.[part], doc);
  if (!target) throw new Error(`dangling reference ${ref}`);
  return target;
}

describe('docs/asyncapi.json', () => {
  const doc = buildAsyncApi();
  const channels = doc.channels as Json;
  const operations = Object.entries(doc.operations as Json) as [string, Json][];
  const channelIdOf = (topic: string) =>
    Object.keys(channels).find((id) => channels[id].address === topic);
  const operationsOn = (topic: string, action: 'send' | 'receive') =>
    operations.filter(
      ([, op]) => op.action === action && op.channel.$ref === `#/channels/${channelIdOf(topic)}`,
    );

  it('is the committed file', () => {
    expectUpToDate(ASYNCAPI_PATH, doc, 'docs:asyncapi');
  });

  it('is an AsyncAPI 3.0 document whose references all resolve', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref') refs.push(value as string);
          else walk(value);
        }
      }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(() => resolve(doc, ref)).not.toThrow();
    for (const id of [...Object.keys(channels), ...operations.map(([id]) => id)]) {
      expect(id).toMatch(/^[a-zA-Z0-9.\-_]+$/);
    }
  });

  it.each(Object.entries(Topics))('has a channel for %s (%s) and its dead letters', (_, topic) => {
    const id = channelIdOf(topic);
    expect(id).toBeDefined();
    expect(channelIdOf(deadLetterTopicOf(topic))).toBeDefined();
    expect(channels[id!].description).toContain('KAFKA_TOPIC_PREFIX');
  });

  it.each(Object.entries(Topics))('%s has a sender and a receiver', (_, topic) => {
    expect(operationsOn(topic, 'send').length).toBeGreaterThan(0);
    if (NO_CONSUMER_YET.includes(topic)) {
      // When something starts consuming it, take it off NO_CONSUMER_YET.
      expect(operationsOn(topic, 'receive')).toEqual([]);
    } else {
      expect(operationsOn(topic, 'receive').length).toBeGreaterThan(0);
    }
  });

  it('says which app sends and receives what, as the app READMEs do', () => {
    const apps = readAppTopics();
    expect(apps.map((a) => a.app).sort()).toEqual(
      fs
        .readdirSync(path.join(root, 'apps'))
        .filter((d) => fs.existsSync(path.join(root, 'apps', d, 'README.md')))
        .filter(
          (d) =>
            !isProductAppReadme(fs.readFileSync(path.join(root, 'apps', d, 'README.md'), 'utf8')),
        )
        .sort(),
    );
    for (const app of apps) {
      for (const [action, topics] of [
        ['send', app.produces],
        ['receive', app.consumes],
      ] as const) {
        expect(topics.length).toBeGreaterThan(0);
        for (const topic of topics) {
          expect(operationsOn(topic, action).map(([, op]) => op['x-app'])).toContain(app.app);
        }
      }
      // And nothing more than the README says.
      for (const [, op] of operations.filter(([, o]) => o['x-app'] === app.app)) {
        const topic = resolve(doc, op.channel.$ref).address as string;
        if (topic.startsWith('enclave.intake.{publisher}.')) {
          // The intake topics exist per configured publisher; only the registry serves them.
          expect(app.app).toBe('tenant-registry');
        } else if (topic === 'enclave.products.{product}.lifecycle') {
          // The product feeds exist per product; only the registry writes them (ProductFeedRelay).
          expect(app.app).toBe('tenant-registry');
        } else if (
          op.bindings?.kafka?.groupId?.enum?.[0]?.endsWith('enclave.tenant-registry.history') ||
          op.bindings?.kafka?.groupId?.enum?.[0]?.endsWith('enclave.tenant-registry.product-feed')
        ) {
          // The registry's history collector reads every lifecycle topic it records.
          expect(app.app).toBe('tenant-registry');
        } else if (topic.endsWith('.dlq') && op.action === 'receive') {
          // Only the registry reads dead letters: it collects them all for operators.
          expect(app.app).toBe('tenant-registry');
        } else if (topic.endsWith('.dlq')) {
          expect(app.consumes).toContain(topic.replace(/\.dlq$/, ''));
        } else {
          expect(op.action === 'send' ? app.produces : app.consumes).toContain(topic);
        }
      }
    }
    // Every dead-letter topic is collected by the registry, for the dead-letter API.
    for (const def of events) {
      expect(
        operationsOn(deadLetterTopicOf(def.topic), 'receive').map(([, op]) => op['x-app']),
      ).toEqual(['tenant-registry']);
    }
    // Products (through the tenancy SDK) learn the outcome of each registration from their own
    // feed only, never from the shared topics.
    for (const topic of [Topics.ServiceReady, Topics.ServiceFailed]) {
      expect(operationsOn(topic, 'receive').map(([, op]) => op['x-app'])).not.toContain('products');
    }
    expect(
      operationsOn('enclave.products.{product}.lifecycle', 'receive').map(([, op]) => op['x-app']),
    ).toEqual(['products']);
  });

  it('sends dead letters from every consuming app, with the documented x-dlq-* headers', () => {
    const readme = fs.readFileSync(path.join(root, 'libs/messaging/README.md'), 'utf8');
    // `x-dlq-source-topic/partition/offset` abbreviates three headers.
    const documented = [...readme.matchAll(/`(x-dlq-[a-z-]+(?:\/[a-z-]+)*)`/g)].flatMap((m) => {
      const [first, ...others] = m[1].split('/');
      const stem = first.slice(0, first.lastIndexOf('-') + 1);
      return [first, ...others.map((o) => stem + o)];
    });
    const published = [
      ...fs
        .readFileSync(
          path.join(root, 'libs/messaging/src/lib/consumer/dead-letter.publisher.ts'),
          'utf8',
        )
        .matchAll(/'(x-dlq-[a-z-]+)'/g),
    ].map((m) => m[1]);
    expect(Object.keys(DEAD_LETTER_HEADERS).sort()).toEqual([...documented].sort());
    expect(Object.keys(DEAD_LETTER_HEADERS).sort()).toEqual([...published].sort());

    const deadLetter = (doc.components as Json).messages.DeadLetter;
    expect(deadLetter.headers.required).toEqual(Object.keys(DEAD_LETTER_HEADERS));
    for (const app of readAppTopics()) {
      for (const topic of app.consumes) {
        const dlq = deadLetterTopicOf(topic);
        expect(operationsOn(dlq, 'send').map(([, op]) => op['x-app'])).toContain(app.app);
      }
    }
  });

  it.each(events.map((def) => [def.type, def] as const))(
    '%s: envelope with the current payload, partition key and every version',
    (_, def) => {
      const channel = channels[channelIdOf(def.topic)!];
      const [messageRef] = Object.values(channel.messages as Json) as Json[];
      const message = resolve(doc, messageRef.$ref);
      expect(message.name).toBe(def.type);
      expect(message.contentType).toBe('application/json');

      const envelope = resolve(doc, message.payload.$ref);
      expect(Object.keys(envelope.properties).sort()).toEqual(
        Object.keys(eventEnvelopeSchema.shape).sort(),
      );
      expect(envelope.required).toEqual(expect.arrayContaining(['payload', 'type', 'version']));
      expect(envelope.properties.type.const).toBe(def.type);
      expect(envelope.properties.version.const).toBe(def.version);
      const payload = resolve(doc, envelope.properties.payload.$ref);
      expect(payload.title).toBe(`${def.type} payload v${def.version}`);
      expect(payload.type).toBe('object');
      for (const field of Object.keys((def.schema as unknown as { shape: Json }).shape)) {
        expect(payload.properties).toHaveProperty([field]);
      }

      const template = partitionKeyTemplate(def);
      const perTenant = ['TenantCreated', 'TenantStatusChanged', 'TenantOffboarded'].includes(
        def.type,
      );
      // Product-wide events (a product's versions) stay in order per product.
      const perProduct =
        def.type === 'ProductVersionPublished' || def.type === 'RolloutStateChanged';
      // An operator's decisions on one dead letter stay in order per letter.
      const perLetter = def.type === 'DeadLetterReplayed' || def.type === 'DeadLetterDiscarded';
      const [expected, sample, wrong] = perTenant
        ? ['{tenantId}', 'acme', 'Acme/billing']
        : perProduct
          ? ['{product}', 'billing-app', 'Billing']
          : perLetter
            ? ['{deadLetterId}', '3f1b7c1e-0d6a-4a8e-9a51-0c7e2f4b5d6a', 'acme/billing']
            : ['{tenantId}/{product}', 'acme/billing-app', 'Acme/billing'];
      expect(template).toBe(expected);
      expect(message['x-partition-key']).toBe(template);
      const key = message.bindings.kafka.key;
      if (perLetter) {
        // A uuid field is documented by its format, not a pattern.
        expect(payload.properties.deadLetterId.format).toBe('uuid');
      } else {
        expect(new RegExp(key.pattern).test(sample)).toBe(true);
        expect(new RegExp(key.pattern).test(wrong)).toBe(false);
      }

      expect(message['x-current-version']).toBe(def.version);
      expect(message['x-versions'].map((v: Json) => v.version)).toEqual(
        def.versions.map((v) => v.version),
      );
      for (const version of message['x-versions'] as Json[]) {
        expect(resolve(doc, version.payload.$ref).type).toBe('object');
      }
    },
  );
});

describe('docs/openapi.json', () => {
  let doc: Json;

  beforeAll(async () => {
    doc = await buildOpenApiDocument();
  });

  it('is the committed file', () => {
    expectUpToDate(OPENAPI_PATH, doc, 'docs:openapi');
  });

  it.each([
    ['post', '/v1/tenants'],
    ['get', '/v1/tenants'],
    ['get', '/v1/tenants/{tenantId}'],
    ['post', '/v1/tenants/{tenantId}/services'],
    ['get', '/v1/tenants/{tenantId}/services'],
    ['get', '/v1/tenants/{tenantId}/services/{product}'],
    ['get', '/v1/products'],
  ])('documents %s %s behind the bearer token', (method, route) => {
    const operation = doc.paths[route]?.[method];
    expect(operation).toBeDefined();
    expect(operation.security).toEqual([{ bearer: [] }]);
    for (const [, name] of route.matchAll(/\{([^}]+)\}/g)) {
      expect(operation.parameters).toContainEqual(
        expect.objectContaining({ name, in: 'path', required: true }),
      );
    }
  });

  it('declares bearer authentication', () => {
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('validates request bodies with the contracts: tenant id and product patterns', () => {
    const schemaOf = (method: string, route: string) =>
      resolve(doc, doc.paths[route][method].requestBody.content['application/json'].schema.$ref);
    const tenant = schemaOf('post', '/v1/tenants');
    const tenantPattern = tenantIdSchema._def.checks.find((c) => c.kind === 'regex');
    expect(tenantPattern).toBeDefined();
    expect(tenant.properties.id.pattern).toBe((tenantPattern as { regex: RegExp }).regex.source);
    expect(tenant.required).toEqual(expect.arrayContaining(['id', 'displayName']));
    const registration = schemaOf('post', '/v1/tenants/{tenantId}/services');
    expect(registration.properties.product.pattern).toBeDefined();
    expect(registration.properties.isolationMode.enum).toEqual(['DATABASE', 'SCHEMA']);
  });
});
