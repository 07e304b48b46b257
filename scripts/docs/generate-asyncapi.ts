// Builds docs/asyncapi.json (AsyncAPI 3.0) from the typed event map of @enclave/contracts and the
// "Consumes" / "Produces" rows of every apps/<app>/README.md, so the document says exactly what the
// code declares (test/docs/api-documents.spec.ts fails when the committed file drifts).
// Run: npm run docs:asyncapi
import {
  EventDefinition,
  PlatformEvents,
  Topics,
  deadLetterTopicOf,
  eventEnvelopeSchema,
  intakeReplyEvent,
  intakeRequestSchema,
  productFeedEvents,
} from '@enclave/contracts';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { HISTORY_EVENTS } from '../../apps/tenant-registry/src/history/tenant-history.entry';
import { writeJsonDocument } from './write-json-document';

type Json = Record<string, unknown>;

const root = path.resolve(__dirname, '../..');

export const ASYNCAPI_PATH = path.join(root, 'docs/asyncapi.json');

/** Receivers that are not apps of this repository. */
export const EXTERNAL_RECEIVERS: Readonly<
  Record<string, { readonly description: string; readonly topics: readonly string[] }>
> = {
  products: {
    description:
      'The products that serve tenants, through the tenancy SDK (libs/tenancy-sdk, TenantLifecycleListener): ' +
      "they learn that a tenant's service is ready or has failed, that its credentials were rotated, or " +
      'that the tenant was suspended, resumed or offboarded (dropping cached connections), from their ' +
      'own lifecycle feed (`enclave.products.{product}.lifecycle`), never from the shared topics.',
    topics: [],
  },
};

/**
 * Headers of every dead letter (libs/messaging/README.md, DeadLetterPublisher); the original
 * message's own headers are kept alongside.
 */
export const DEAD_LETTER_HEADERS: Readonly<Record<string, string>> = {
  'x-dlq-reason':
    'Why the message was given up on: the error message, credentials masked, at most 2,000 characters.',
  'x-dlq-error': 'The error name (e.g. `EventDecodeError`).',
  'x-dlq-source-topic': 'The physical topic the message was read from (prefix included).',
  'x-dlq-source-partition': 'The partition it was read from.',
  'x-dlq-source-offset': 'Its offset in that partition.',
  'x-dlq-consumer-group': 'The consumer group that gave up on it.',
  'x-dlq-attempts': 'How many times handling was attempted.',
  'x-dlq-failed-at': 'When it was dead-lettered (ISO 8601).',
};

/** The header a replayed dead letter carries (libs/messaging, REPLAY_FOR_GROUP_HEADER). */
const REPLAY_FOR_GROUP = 'x-replay-for-group';

/** The registry's consumer group that records tenants' histories (TenantHistoryCollector). */
const HISTORY_COLLECTOR_GROUP = '<KAFKA_TOPIC_PREFIX>enclave.tenant-registry.history';
const HISTORY_TYPES = new Set<string>(HISTORY_EVENTS.map((e) => e.type));

/** The registry's consumer group that reads every dead-letter topic (DeadLetterCollector). */
const DEAD_LETTER_COLLECTOR_GROUP = '<KAFKA_TOPIC_PREFIX>enclave.tenant-registry.dead-letters';

const ENVELOPE_FIELDS: Readonly<Record<string, string>> = {
  id: 'Unique event id; consumers handle each id once per consumer group (duplicates are dropped).',
  type: 'The event type.',
  version:
    'Payload version. Producers write the current one; consumers upcast older ones (see `x-versions`).',
  tenantId: 'The tenant the event is about.',
  correlationId:
    'Shared by every event of one flow (e.g. one registration), starting at the API request.',
  causationId: 'Id of the event that caused this one; null for events caused by an API request.',
  occurredAt: 'When the producer wrote the event (ISO 8601 with offset).',
  producer: 'The app that produced it.',
};

const KAFKA_BINDING_VERSION = '0.5.0';

export interface AppTopics {
  readonly app: string;
  /** The README's "Stage owned" sentence. */
  readonly owns: string;
  readonly group: string | null;
  readonly consumes: readonly string[];
  readonly produces: readonly string[];
}

/**
 * A product built on the platform (e.g. apps/sample-ledger) says so with a `**Product:**` line instead
 * of `**Stage owned:**`: it is one of the external `products` receivers, not a platform stage. The
 * operator console (`**Operator tool:**`) is no stage either: it reads no topic, only the API.
 */
export function isProductAppReadme(readme: string): boolean {
  return /^\*\*(Product|Operator tool):\*\*/m.test(readme);
}

/** Reads which topics each platform app consumes and produces from its README's table. */
export function readAppTopics(appsDir = path.join(root, 'apps')): AppTopics[] {
  const known = new Set<string>(Object.values(Topics));
  const readmeOf = (app: string) => path.join(appsDir, app, 'README.md');
  return fs
    .readdirSync(appsDir)
    .filter((app) => fs.existsSync(readmeOf(app)))
    .filter((app) => !isProductAppReadme(fs.readFileSync(readmeOf(app), 'utf8')))
    .sort()
    .map((app) => {
      const file = path.join('apps', app, 'README.md');
      const readme = fs.readFileSync(path.join(appsDir, app, 'README.md'), 'utf8');
      const row = (label: string): string | undefined =>
        readme
          .split('\n')
          .map((line) => line.split('|'))
          .find((cells) => cells.length > 2 && cells[1].trim() === label)
          ?.slice(2)
          .join('|');
      const topics = (label: string): string[] => {
        const cell = row(label);
        if (cell === undefined) throw new Error(`${file} has no "${label}" row`);
        // Topic names are the dotted code spans; others (e.g. `rabbitmq`) only qualify them.
        const names = [...cell.matchAll(/`([^`]+)`/g)]
          .map((m) => m[1])
          .filter((name) => /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(name));
        for (const name of names) {
          if (!known.has(name)) throw new Error(`${file} ${label}: ${name} is not in Topics`);
        }
        return names;
      };
      const group = /`([^`]+)`/.exec(row('Consumer group') ?? '')?.[1] ?? null;
      const owns = /\*\*Stage owned:\*\*\s*(.+)/.exec(readme)?.[1].trim() ?? '';
      return { app, owns, group, consumes: topics('Consumes'), produces: topics('Produces') };
    });
}

// zod-to-json-schema's generic signature is too deep for tsc with zod 3.25's types; this is the part used.
const toJsonSchema = zodToJsonSchema as unknown as (
  schema: z.ZodTypeAny,
  options: { target: 'jsonSchema7'; $refStrategy: 'none' },
) => Json;

/** JSON Schema draft-07 (what AsyncAPI schemas extend), every definition inlined. */
function jsonSchemaOf(schema: z.ZodTypeAny): Json {
  const converted = toJsonSchema(schema, { target: 'jsonSchema7', $refStrategy: 'none' });
  delete converted.$schema;
  return converted;
}

/**
 * The partition key as a template (`{tenantId}/{product}`): the event's own key function applied to
 * a payload whose every field reads as its name, so the document follows the code.
 */
export function partitionKeyTemplate(def: EventDefinition): string {
  const probe = new Proxy({}, { get: (_, field) => `{${String(field)}}` });
  return def.partitionKey(probe as never);
}

function keySchema(def: EventDefinition, template: string, payload: Json): Json {
  const properties = (payload.properties ?? {}) as Record<string, { pattern?: string }>;
  const fields = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const patterns = fields.map((f) => properties[f]?.pattern);
  const schema: Json = {
    type: 'string',
    description:
      `Partition key \`${template}\` (fields of the payload): every ${def.type} with the same key ` +
      'lands on one partition, so they are consumed in order.',
    'x-template': template,
  };
  if (patterns.every((p): p is string => typeof p === 'string')) {
    let pattern = template;
    fields.forEach((field, i) => {
      pattern = pattern.replace(`{${field}}`, `(?:${patterns[i].replace(/^\^|\$$/g, '')})`);
    });
    schema.pattern = `^${pattern}$`;
  }
  return schema;
}

function envelopeSchemaOf(def: EventDefinition, payloadRef: string): Json {
  const envelope = jsonSchemaOf(
    eventEnvelopeSchema.extend({
      type: z.literal(def.type),
      version: z.literal(def.version),
      payload: def.schema,
    }),
  );
  const properties = envelope.properties as Record<string, Json>;
  for (const [field, description] of Object.entries(ENVELOPE_FIELDS)) {
    if (!properties[field]) throw new Error(`the envelope has no ${field} field any more`);
    properties[field] = { ...properties[field], description };
  }
  // The payload is the current version's schema (a sibling `description` would be ignored by $ref).
  properties.payload = { $ref: payloadRef };
  return { title: `${def.type} envelope`, ...envelope };
}

function description(apps: readonly AppTopics[]): string {
  const headers = Object.keys(DEAD_LETTER_HEADERS)
    .map((h) => `\`${h}\``)
    .join(', ');
  return [
    'Every event of the Enclave provisioning lifecycle. Apps publish through a transactional outbox ' +
      'and consume with an idempotent consumer (one consumer group per app; replicas share it).',
    '',
    '- **Envelope**: every message value is a JSON envelope (`id`, `type`, `version`, `tenantId`, ' +
      '`correlationId`, `causationId`, `occurredAt`, `producer`, `payload`); the payload is versioned ' +
      'per event type. Each message lists every payload version it ever had under `x-versions`; ' +
      'consumers upcast older versions to the current one.',
    '- **Key**: the Kafka message key is the partition key (`{tenantId}/{product}` for events about ' +
      'one service registration, `{tenantId}` for tenant events), so one registration stays in order.',
    '- **Topic names are logical**: a deployment may set `KAFKA_TOPIC_PREFIX`, and then every physical ' +
      'topic is `<KAFKA_TOPIC_PREFIX><address>`.',
    '- **Dead letters**: a message a consumer can never handle goes to `<topic>.dlq` (prefixed like its ' +
      `topic) with its original key, value and headers, plus ${headers}.`,
    '- **Intake**: upstream publishers (not platform apps) write plain JSON requests on ' +
      '`enclave.intake.<publisher>.requests` and read envelopes answering them on ' +
      '`enclave.intake.<publisher>.replies`, one pair per publisher of the registry’s INTAKE_PUBLISHERS.',
    '- **Product feeds**: each product reads its own lifecycle events on ' +
      '`enclave.products.<product>.lifecycle`, relayed there by the tenant-registry.',
    '',
    `Apps: ${apps.map((a) => a.app).join(', ')}; outside the platform: ${[...Object.keys(EXTERNAL_RECEIVERS), 'publishers'].join(', ')}.`,
    'Generated by scripts/docs/generate-asyncapi.ts (`npm run docs:asyncapi`); do not edit by hand.',
  ].join('\n');
}

/** The registry's consumer group that relays lifecycle events onto the product feeds. */
const PRODUCT_FEED_GROUP = '<KAFKA_TOPIC_PREFIX>enclave.tenant-registry.product-feed';

/**
 * The product feeds: one topic per product, `enclave.products.{product}.lifecycle`, carrying the
 * envelopes of the product-facing lifecycle events byte for byte (ProductFeedRelay).
 */
function addProductFeed(channels: Json, operations: Json): void {
  const address = 'enclave.products.{product}.lifecycle';
  const feedMessages = Object.fromEntries(
    productFeedEvents.map((e) => [e.type, { $ref: `#/components/messages/${e.type}` }]),
  );
  channels.ProductLifecycleFeed = {
    address,
    title: 'Product lifecycle feed',
    description:
      `One topic per published product; the physical topic is \`<KAFKA_TOPIC_PREFIX>${address}\`, ` +
      'created by the tenant-registry when the product is published. The registry relays each ' +
      'product-facing lifecycle event here with its original key, value and headers (the envelope ' +
      'id is kept, so consumers stay idempotent): an event naming a `product` to that product’s ' +
      'feed only, a TenantStatusChanged to the feed of every product the tenant has registered. ' +
      'A product’s Kafka principal may read its own feed and no other topic.',
    parameters: {
      product: { description: 'The product’s name (e.g. `ledger`).', examples: ['ledger'] },
    },
    messages: feedMessages,
  };
  const refs = productFeedEvents.map((e) => ({
    $ref: `#/channels/ProductLifecycleFeed/messages/${e.type}`,
  }));
  for (const def of productFeedEvents) {
    operations[`tenant-registry.relay.${def.type}`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${def.type}` },
      messages: [{ $ref: `#/channels/${def.type}/messages/${def.type}` }],
      title: `tenant-registry relays ${def.type} to the product feeds`,
      summary: 'Onto the feed of each product the event concerns (ProductFeedRelay).',
      tags: [{ name: 'tenant-registry' }],
      'x-app': 'tenant-registry',
      bindings: {
        kafka: {
          groupId: { type: 'string', enum: [PRODUCT_FEED_GROUP] },
          bindingVersion: KAFKA_BINDING_VERSION,
        },
      },
    };
  }
  operations['tenant-registry.send.ProductLifecycleFeed'] = {
    action: 'send',
    channel: { $ref: '#/channels/ProductLifecycleFeed' },
    messages: refs,
    title: 'tenant-registry feeds each product its lifecycle events',
    summary: 'Acknowledged by every replica before the source event counts as relayed.',
    tags: [{ name: 'tenant-registry' }],
    'x-app': 'tenant-registry',
  };
  operations['products.receive.ProductLifecycleFeed'] = {
    action: 'receive',
    channel: { $ref: '#/channels/ProductLifecycleFeed' },
    messages: refs,
    title: 'products consume their lifecycle feed',
    summary: EXTERNAL_RECEIVERS.products.description,
    tags: [{ name: 'products' }],
    'x-app': 'products',
  };
}

/** The registry's consumer group that reads every publisher's intake requests (IntakeConsumer). */
const INTAKE_GROUP = '<KAFKA_TOPIC_PREFIX>enclave.tenant-registry.intake';

/**
 * The intake topics: one pair per upstream publisher configured in the registry's
 * `INTAKE_PUBLISHERS`, so their addresses carry a `{publisher}` parameter. Requests are plain JSON
 * (the publisher writes them, not a platform app); replies are envelopes like every platform event.
 */
function addIntake(channels: Json, operations: Json, messages: Json, schemas: Json): void {
  const publisher = {
    description:
      "The publisher's name, as configured in the registry's INTAKE_PUBLISHERS (e.g. `signup`).",
    examples: ['signup'],
  };
  const reply = intakeReplyEvent('publisher');
  const requests = 'enclave.intake.{publisher}.requests';
  const replies = 'enclave.intake.{publisher}.replies';
  schemas.IntakeRequest = { title: 'Intake request', ...jsonSchemaOf(intakeRequestSchema) };
  schemas.IntakeRepliedPayloadV1 = {
    title: 'IntakeReplied payload v1',
    ...jsonSchemaOf(reply.schema as z.ZodTypeAny),
  };
  schemas.IntakeRepliedEnvelope = envelopeSchemaOf(
    reply as EventDefinition,
    '#/components/schemas/IntakeRepliedPayloadV1',
  );
  messages.IntakeRequest = {
    name: 'IntakeRequest',
    title: 'IntakeRequest',
    summary:
      'A request of an upstream publisher, discriminated by `kind`: create-tenant, register-service, ' +
      "suspend-tenant, resume-tenant, offboard-tenant. The bodies are the admin API's own schemas.",
    contentType: 'application/json',
    payload: { $ref: '#/components/schemas/IntakeRequest' },
    bindings: {
      kafka: {
        key: {
          type: 'string',
          description:
            'The tenant id (`tenant.id` or `tenantId`), so one tenant’s requests are handled in order ' +
            '(IntakePublisherClient keys them so).',
        },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };
  messages.IntakeReplied = {
    name: 'IntakeReplied',
    title: 'IntakeReplied',
    summary:
      'The registry’s answer to one request, correlated by `requestId`: accepted, or rejected with ' +
      'the reason the admin API would give.',
    contentType: 'application/json',
    payload: { $ref: '#/components/schemas/IntakeRepliedEnvelope' },
    bindings: {
      kafka: {
        key: {
          type: 'string',
          description: 'The tenant id, or the request id when none was read.',
        },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };
  channels.IntakeRequests = {
    address: requests,
    title: 'Intake requests',
    description:
      `One topic per publisher; the physical topic is \`<KAFKA_TOPIC_PREFIX>${requests}\`. The registry ` +
      'validates each request with the admin API’s rules (size limit API_BODY_LIMIT, JSON, the ' +
      'shared schemas), checks that `publisher` is the topic’s and that the publisher may act for ' +
      'the product, and takes it through the same use-cases as the admin API, once per request id. ' +
      `Rejected requests are dead-lettered to \`${deadLetterTopicOf(requests)}\`.`,
    parameters: { publisher },
    messages: { IntakeRequest: { $ref: '#/components/messages/IntakeRequest' } },
    'x-dead-letter-channel': { $ref: '#/channels/IntakeRequestsDeadLetters' },
  };
  channels.IntakeRequestsDeadLetters = {
    address: deadLetterTopicOf(requests),
    title: 'Intake requests dead letters',
    description:
      'Every rejected intake request, byte for byte, with the cause in `x-dlq-*` headers ' +
      '(`x-dlq-error`: IntakeRejectedError). The tenant-registry collects them for operators ' +
      '(`GET /v1/dead-letters?topic=enclave.intake.<publisher>.requests`).',
    parameters: { publisher },
    messages: { DeadLetter: { $ref: '#/components/messages/DeadLetter' } },
    'x-source-channel': { $ref: '#/channels/IntakeRequests' },
  };
  channels.IntakeReplies = {
    address: replies,
    title: 'Intake replies',
    description:
      `One topic per publisher; the physical topic is \`<KAFKA_TOPIC_PREFIX>${replies}\`. One ` +
      'IntakeReplied per request read (a request read again is answered again, the same way), ' +
      'published through the registry’s transactional outbox. A request whose id could not be read ' +
      'is dead-lettered only.',
    parameters: { publisher },
    messages: { IntakeReplied: { $ref: '#/components/messages/IntakeReplied' } },
  };
  const registry = (id: string, op: Json) => {
    operations[`tenant-registry.${id}`] = {
      ...op,
      tags: [{ name: 'tenant-registry' }],
      'x-app': 'tenant-registry',
    };
  };
  registry('receive.IntakeRequest', {
    action: 'receive',
    channel: { $ref: '#/channels/IntakeRequests' },
    messages: [{ $ref: '#/channels/IntakeRequests/messages/IntakeRequest' }],
    title: 'tenant-registry handles intake requests',
    summary:
      'Once per (publisher, request id); the publisher recorded as actor (`publisher:<name>`) on ' +
      'every event the request sets going.',
    bindings: {
      kafka: {
        groupId: { type: 'string', enum: [INTAKE_GROUP] },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  });
  registry('deadLetter.IntakeRequest', {
    action: 'send',
    channel: { $ref: '#/channels/IntakeRequestsDeadLetters' },
    messages: [{ $ref: '#/channels/IntakeRequestsDeadLetters/messages/DeadLetter' }],
    title: 'tenant-registry dead-letters rejected intake requests',
    summary: 'Malformed, oversized, invalid, foreign-product or refused requests, with the cause.',
  });
  registry('collect.IntakeRequestsDeadLetters', {
    action: 'receive',
    channel: { $ref: '#/channels/IntakeRequestsDeadLetters' },
    messages: [{ $ref: '#/channels/IntakeRequestsDeadLetters/messages/DeadLetter' }],
    title: 'tenant-registry collects rejected intake requests',
    summary: 'Kept for operators to list, inspect, replay or discard, like every dead letter.',
    bindings: {
      kafka: {
        groupId: { type: 'string', enum: [DEAD_LETTER_COLLECTOR_GROUP] },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  });
  registry('send.IntakeReplied', {
    action: 'send',
    channel: { $ref: '#/channels/IntakeReplies' },
    messages: [{ $ref: '#/channels/IntakeReplies/messages/IntakeReplied' }],
    title: 'tenant-registry answers intake requests',
    summary: 'Through its transactional outbox.',
  });
  operations['publishers.send.IntakeRequest'] = {
    action: 'send',
    channel: { $ref: '#/channels/IntakeRequests' },
    messages: [{ $ref: '#/channels/IntakeRequests/messages/IntakeRequest' }],
    title: 'Upstream publishers send intake requests',
    summary: EXTERNAL_PUBLISHERS,
    tags: [{ name: 'publishers' }],
    'x-app': 'publishers',
  };
  operations['publishers.receive.IntakeReplied'] = {
    action: 'receive',
    channel: { $ref: '#/channels/IntakeReplies' },
    messages: [{ $ref: '#/channels/IntakeReplies/messages/IntakeReplied' }],
    title: 'Upstream publishers read their replies',
    summary: EXTERNAL_PUBLISHERS,
    tags: [{ name: 'publishers' }],
    'x-app': 'publishers',
  };
}

/** Senders that are not apps of this repository: the intake's upstream publishers. */
const EXTERNAL_PUBLISHERS =
  'Upstream systems (a signup or billing service, a product’s back office) that create tenants and ' +
  'register products by events instead of the admin API, typically with the tenancy SDK’s ' +
  'IntakePublisherClient (publish, then await the reply and ServiceReady / ServiceFailed).';

/** The AsyncAPI 3.0 document of every platform event. */
export function buildAsyncApi(apps: readonly AppTopics[] = readAppTopics()): Json {
  const events = Object.values(PlatformEvents) as readonly EventDefinition[];
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    version: string;
  };
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  const schemas: Json = {};

  const receivers = (topic: string) => [
    ...apps
      .filter((a) => a.consumes.includes(topic))
      .map((a) => ({ app: a.app, group: a.group, external: false })),
    ...Object.entries(EXTERNAL_RECEIVERS)
      .filter(([, r]) => r.topics.includes(topic))
      .map(([app]) => ({ app, group: null as string | null, external: true })),
  ];

  for (const def of events) {
    const id = def.type;
    const dlqId = `${id}DeadLetters`;
    const versionRef = (v: number) => `#/components/schemas/${id}PayloadV${v}`;
    for (const version of def.versions) {
      schemas[`${id}PayloadV${version.version}`] = {
        title: `${id} payload v${version.version}`,
        ...jsonSchemaOf(version.schema),
      };
    }
    schemas[`${id}Envelope`] = envelopeSchemaOf(def, versionRef(def.version));
    const template = partitionKeyTemplate(def);
    const key = keySchema(def, template, schemas[`${id}PayloadV${def.version}`] as Json);

    messages[id] = {
      name: id,
      title: id,
      summary: `${id} v${def.version} on ${def.topic}, keyed by ${template}.`,
      contentType: 'application/json',
      payload: { $ref: `#/components/schemas/${id}Envelope` },
      bindings: { kafka: { key, bindingVersion: KAFKA_BINDING_VERSION } },
      'x-partition-key': template,
      'x-current-version': def.version,
      'x-versions': def.versions.map((v) => ({
        version: v.version,
        payload: { $ref: versionRef(v.version) },
        ...(v.version > 1 ? { upcastFrom: v.version - 1 } : {}),
      })),
    };

    channels[id] = {
      address: def.topic,
      title: id,
      description:
        `Logical topic of ${id}; the physical topic is \`<KAFKA_TOPIC_PREFIX>${def.topic}\`. ` +
        `Messages are keyed by \`${template}\`. Dead letters go to \`${deadLetterTopicOf(def.topic)}\`.`,
      messages: { [id]: { $ref: `#/components/messages/${id}` } },
      'x-dead-letter-channel': { $ref: `#/channels/${dlqId}` },
    };
    channels[dlqId] = {
      address: deadLetterTopicOf(def.topic),
      title: `${id} dead letters`,
      description:
        `${id} events a consumer could never handle (undecodable, or failed after its retries), ` +
        `byte for byte, with the cause in \`x-dlq-*\` headers. The tenant-registry collects them for ` +
        'operators (`GET /v1/dead-letters`); a replay after a fix (`POST /v1/dead-letters/{id}/replay`) ' +
        `sends the original message back onto ${def.topic} with \`${REPLAY_FOR_GROUP}\` naming the ` +
        'consumer group that gave up on it: only that group handles it.',
      messages: { DeadLetter: { $ref: '#/components/messages/DeadLetter' } },
      'x-source-channel': { $ref: `#/channels/${id}` },
    };

    operations[`tenant-registry.collect.${dlqId}`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${dlqId}` },
      messages: [{ $ref: `#/channels/${dlqId}/messages/DeadLetter` }],
      title: `tenant-registry collects ${id} dead letters`,
      summary:
        'tenant-registry keeps each dead letter (one per failed delivery) for operators to list, ' +
        'inspect, replay or discard.',
      tags: [{ name: 'tenant-registry' }],
      'x-app': 'tenant-registry',
      bindings: {
        kafka: {
          groupId: { type: 'string', enum: [DEAD_LETTER_COLLECTOR_GROUP] },
          bindingVersion: KAFKA_BINDING_VERSION,
        },
      },
    };

    if (HISTORY_TYPES.has(id)) {
      operations[`tenant-registry.history.${id}`] = {
        action: 'receive',
        channel: { $ref: `#/channels/${id}` },
        messages: [{ $ref: `#/channels/${id}/messages/${id}` }],
        title: `tenant-registry records ${id} in the tenant's history`,
        summary:
          'tenant-registry records each event once per event id in the tenant history ' +
          '(`GET /v1/tenants/{id}/history`), whoever published it.',
        tags: [{ name: 'tenant-registry' }],
        'x-app': 'tenant-registry',
        bindings: {
          kafka: {
            groupId: { type: 'string', enum: [HISTORY_COLLECTOR_GROUP] },
            bindingVersion: KAFKA_BINDING_VERSION,
          },
        },
      };
    }

    for (const producer of apps.filter((a) => a.produces.includes(def.topic))) {
      operations[`${producer.app}.send.${id}`] = {
        action: 'send',
        channel: { $ref: `#/channels/${id}` },
        messages: [{ $ref: `#/channels/${id}/messages/${id}` }],
        title: `${producer.app} publishes ${id}`,
        summary: `${producer.app} publishes ${id} through its transactional outbox.`,
        tags: [{ name: producer.app }],
        'x-app': producer.app,
      };
    }
    for (const receiver of receivers(def.topic)) {
      operations[`${receiver.app}.receive.${id}`] = {
        action: 'receive',
        channel: { $ref: `#/channels/${id}` },
        messages: [{ $ref: `#/channels/${id}/messages/${id}` }],
        title: `${receiver.app} consumes ${id}`,
        summary: receiver.external
          ? EXTERNAL_RECEIVERS[receiver.app].description
          : `${receiver.app} handles ${id} once per event id (consumer group \`${receiver.group}\`).`,
        tags: [{ name: receiver.app }],
        'x-app': receiver.app,
        ...(receiver.group
          ? {
              bindings: {
                kafka: {
                  groupId: { type: 'string', enum: [receiver.group] },
                  bindingVersion: KAFKA_BINDING_VERSION,
                },
              },
            }
          : {}),
      };
      if (!receiver.external) {
        operations[`${receiver.app}.deadLetter.${id}`] = {
          action: 'send',
          channel: { $ref: `#/channels/${dlqId}` },
          messages: [{ $ref: `#/channels/${dlqId}/messages/DeadLetter` }],
          title: `${receiver.app} dead-letters ${id}`,
          summary: `${receiver.app} sends the ${id} events it can never handle here.`,
          tags: [{ name: receiver.app }],
          'x-app': receiver.app,
        };
      }
    }
  }

  addIntake(channels, operations, messages, schemas);
  addProductFeed(channels, operations);

  messages.DeadLetter = {
    name: 'DeadLetter',
    title: 'Dead letter',
    summary: 'A message a consumer gave up on: its original key and value, the cause in headers.',
    contentType: 'application/octet-stream',
    headers: {
      type: 'object',
      properties: Object.fromEntries(
        Object.entries(DEAD_LETTER_HEADERS).map(([h, d]) => [
          h,
          { type: 'string', description: d },
        ]),
      ),
      required: Object.keys(DEAD_LETTER_HEADERS),
      additionalProperties: {
        type: 'string',
        description: "The original message's own headers, kept as they were.",
      },
    },
    payload: {
      description:
        'The original message value, byte for byte: normally the event envelope of the source ' +
        'channel, but possibly not even JSON (that is one reason to dead-letter).',
    },
    bindings: {
      kafka: {
        key: { type: 'string', description: 'The original message key (its partition key).' },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Enclave platform events',
      version: pkg.version,
      description: description(apps),
      license: { name: 'Apache-2.0' },
      tags: [
        ...apps.map((a) => ({ name: a.app, description: a.owns })),
        ...Object.entries(EXTERNAL_RECEIVERS).map(([name, r]) => ({
          name,
          description: r.description,
        })),
        { name: 'publishers', description: EXTERNAL_PUBLISHERS },
      ],
    },
    defaultContentType: 'application/json',
    servers: {
      kafka: {
        host: '{brokers}',
        protocol: 'kafka',
        description:
          'The Kafka cluster of a deployment (`KAFKA_BROKERS`). Topics carry `KAFKA_TOPIC_PREFIX`, if set.',
        variables: {
          brokers: {
            default: 'kafka:9092',
            description: 'Bootstrap servers (`KAFKA_BROKERS`); `kafka:9092` in docker compose.',
          },
        },
      },
    },
    channels,
    operations,
    components: { schemas, messages },
  };
}

if (require.main === module) {
  writeJsonDocument(ASYNCAPI_PATH, buildAsyncApi()).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
