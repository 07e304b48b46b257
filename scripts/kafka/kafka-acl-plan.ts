// Who may do what on Kafka, derived from ONE ownership map: each platform app's "Consumes",
// "Produces" and "Consumer group" rows (apps/<app>/README.md, the rows docs/asyncapi.json is built
// from and test/docs/api-documents.spec.ts holds to it), the tenancy SDK's product lifecycle events
// and the intake topics of each publisher. Every name carries the run's KAFKA_TOPIC_PREFIX.
import {
  PRODUCT_FEED_TOPIC_PREFIX,
  deadLetterTopicOf,
  intakeRepliesTopic,
  intakeRequestsTopic,
  productFeedTopic,
} from '@enclave/contracts';
import { AppTopics, readAppTopics } from '../docs/generate-asyncapi';

export type AclOperation = 'read' | 'write' | 'create' | 'describe';

/** One ALLOW rule: `operation` on a topic or group named `name` exactly, or every name starting with it. */
export interface AclGrant {
  readonly resource: 'topic' | 'group';
  readonly pattern: 'literal' | 'prefixed';
  readonly name: string;
  readonly operation: AclOperation;
}

export interface PrincipalPlan {
  /** What the principal is for: `app:<name>`, `product:<name>` or `publisher:<name>`. */
  readonly role: string;
  /** The SASL user name. */
  readonly user: string;
  readonly grants: readonly AclGrant[];
}

const topic = (name: string, operation: AclOperation): AclGrant => ({
  resource: 'topic',
  pattern: 'literal',
  name,
  operation,
});

/**
 * A platform app writes the topics it produces and the dead-letter topics of those it consumes,
 * reads what it consumes in its own group; every platform app may create and describe the
 * platform's topics (each creates the whole catalog's topics it finds missing at start-up; creating
 * one writes nothing). The registry also reads every platform topic (tenant history, dead letters)
 * and writes back any consumed topic (a dead letter's replay), the intake topics and the products'
 * lifecycle feeds (ProductFeedRelay).
 */
export function platformAppPlan(
  app: AppTopics,
  prefix: string,
  user: string,
  everyConsumed: readonly string[],
): PrincipalPlan {
  const p = (t: string) => `${prefix}${t}`;
  const grants: AclGrant[] = [
    { resource: 'topic', pattern: 'prefixed', name: p('enclave.'), operation: 'create' },
    { resource: 'topic', pattern: 'prefixed', name: p('enclave.'), operation: 'describe' },
    ...app.produces.map((t) => topic(p(t), 'write')),
    ...app.consumes.map((t) => topic(p(t), 'read')),
    ...app.consumes.map((t) => topic(p(deadLetterTopicOf(t)), 'write')),
    { resource: 'group', pattern: 'literal', name: p(`enclave.${app.app}`), operation: 'read' },
  ];
  if (app.app === 'tenant-registry') {
    grants.push(
      { resource: 'topic', pattern: 'prefixed', name: p('enclave.'), operation: 'read' },
      { resource: 'topic', pattern: 'prefixed', name: p('enclave.intake.'), operation: 'write' },
      { resource: 'topic', pattern: 'prefixed', name: p('enclave.products.'), operation: 'write' },
      ...everyConsumed.map((t) => topic(p(t), 'write')),
      // Its collectors' and intake consumer's groups: enclave.tenant-registry.history, ….
      {
        resource: 'group',
        pattern: 'prefixed',
        name: p('enclave.tenant-registry.'),
        operation: 'read',
      },
    );
  }
  return { role: `app:${app.app}`, user, grants: dedupe(grants) };
}

/**
 * A product reads its own lifecycle feed (TenantLifecycleListener), in groups of its own
 * (`<product>-tenancy-…`), and nothing else: not the shared lifecycle topics, where every product's
 * events are, nor another product's feed.
 */
export function productPlan(product: string, prefix: string, user: string): PrincipalPlan {
  return {
    role: `product:${product}`,
    user,
    grants: [
      topic(`${prefix}${productFeedTopic(product)}`, 'read'),
      { resource: 'group', pattern: 'prefixed', name: `${product}-tenancy-`, operation: 'read' },
    ],
  };
}

/**
 * An intake publisher and the products it may act for (INTAKE_PUBLISHERS), whose feeds it reads;
 * `*` is every product, present and future.
 */
export interface PublisherGrant {
  readonly name: string;
  readonly products: readonly string[] | '*';
}

/**
 * An intake publisher writes its own requests topic and reads its own replies and, for the outcomes
 * of its registrations (IntakePublisherClient), the feeds of the products it may act for: never the
 * shared ServiceReady/ServiceFailed topics, where every product's outcomes are. Groups of its own
 * (`<publisher>-intake-…`).
 */
export function publisherPlan(
  publisher: PublisherGrant,
  prefix: string,
  user: string,
): PrincipalPlan {
  return {
    role: `publisher:${publisher.name}`,
    user,
    grants: dedupe([
      topic(`${prefix}${intakeRequestsTopic(publisher.name)}`, 'write'),
      topic(`${prefix}${intakeRepliesTopic(publisher.name)}`, 'read'),
      ...(publisher.products === '*'
        ? [everyFeed(prefix)]
        : publisher.products.map((p) => topic(`${prefix}${productFeedTopic(p)}`, 'read'))),
      {
        resource: 'group',
        pattern: 'prefixed',
        name: `${publisher.name}-intake-`,
        operation: 'read',
      },
    ]),
  };
}

/** Read on every product's feed (`enclave.products.<product>.lifecycle`), for a `*` publisher. */
function everyFeed(prefix: string): AclGrant {
  return {
    resource: 'topic',
    pattern: 'prefixed',
    name: `${prefix}${PRODUCT_FEED_TOPIC_PREFIX}`,
    operation: 'read',
  };
}

export interface KafkaAclPlanInput {
  readonly prefix: string;
  /** The SASL user of each principal (platform apps by app name, products, publishers). */
  readonly userOf: (role: string) => string;
  readonly products?: readonly string[];
  readonly publishers?: readonly PublisherGrant[];
}

/** Every principal of one platform (one KAFKA_TOPIC_PREFIX) and what each may do. */
export function kafkaAclPlan(input: KafkaAclPlanInput): PrincipalPlan[] {
  const apps = readAppTopics();
  const everyConsumed = [...new Set(apps.flatMap((a) => a.consumes))];
  return [
    ...apps.map((app) =>
      platformAppPlan(app, input.prefix, input.userOf(`app:${app.app}`), everyConsumed),
    ),
    ...(input.products ?? []).map((p) =>
      productPlan(p, input.prefix, input.userOf(`product:${p}`)),
    ),
    ...(input.publishers ?? []).map((p) =>
      publisherPlan(p, input.prefix, input.userOf(`publisher:${p.name}`)),
    ),
  ];
}

function dedupe(grants: AclGrant[]): AclGrant[] {
  const seen = new Set<string>();
  return grants.filter((g) => {
    const key = `${g.resource}|${g.pattern}|${g.name}|${g.operation}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
