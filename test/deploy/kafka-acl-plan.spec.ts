/**
 * The Kafka ownership map (scripts/kafka/kafka-acl-plan.ts) as rules: what each kind of principal
 * may write and read. The broker enforcing them is shown by test/e2e/kafka-acls.e2e-spec.ts.
 */
import {
  Topics,
  deadLetterTopicOf,
  intakeRequestsTopic,
  productFeedTopic,
} from '@enclave/contracts';
import { readAppTopics } from '../../scripts/docs/generate-asyncapi';
import { AclGrant, PrincipalPlan, kafkaAclPlan } from '../../scripts/kafka/kafka-acl-plan';

const prefix = 'run-1.';
const plans = kafkaAclPlan({
  prefix,
  userOf: (role) => `${prefix}${role}`,
  products: ['ledger', 'tracer'],
  publishers: [
    { name: 'signup', products: ['ledger'] },
    { name: 'backoffice', products: ['tracer'] },
  ],
});
const planOf = (role: string): PrincipalPlan => plans.find((p) => p.role === role)!;
const names = (grants: readonly AclGrant[], operation: AclGrant['operation'], resource = 'topic') =>
  grants
    .filter((g) => g.operation === operation && g.resource === resource)
    .map((g) => `${g.pattern === 'prefixed' ? 'prefixed:' : ''}${g.name}`)
    .sort();

describe('Kafka ACL plan (one ownership map)', () => {
  const apps = readAppTopics();

  it('has a principal per platform app, product and publisher, every name under the run prefix', () => {
    expect(plans.map((p) => p.role).sort()).toEqual(
      [
        ...apps.map((a) => `app:${a.app}`),
        'product:ledger',
        'product:tracer',
        'publisher:backoffice',
        'publisher:signup',
      ].sort(),
    );
    for (const plan of plans.filter((p) => p.role.startsWith('app:'))) {
      for (const grant of plan.grants) expect(grant.name.startsWith(prefix)).toBe(true);
    }
  });

  it('lets a stage write only what it produces and the dead letters of what it consumes', () => {
    for (const app of apps.filter((a) => a.app !== 'tenant-registry')) {
      const writes = names(planOf(`app:${app.app}`).grants, 'write');
      expect(writes).toEqual(
        [
          ...new Set([
            ...app.produces.map((t) => prefix + t),
            ...app.consumes.map((t) => prefix + deadLetterTopicOf(t)),
          ]),
        ].sort(),
      );
      expect(names(planOf(`app:${app.app}`).grants, 'read')).toEqual(
        app.consumes.map((t) => prefix + t).sort(),
      );
      expect(names(planOf(`app:${app.app}`).grants, 'read', 'group')).toEqual([
        `${prefix}enclave.${app.app}`,
      ]);
    }
    // e.g. nobody but the postgres-provisioner writes PostgresProvisioned (the registry replays it).
    const writers = plans
      .filter((p) => names(p.grants, 'write').includes(prefix + Topics.PostgresProvisioned))
      .map((p) => p.role)
      .sort();
    expect(writers).toEqual(['app:postgres-provisioner', 'app:tenant-registry']);
  });

  it('lets a product read only its own lifecycle feed, not the shared topics nor another feed, and write nothing', () => {
    const ledger = planOf('product:ledger').grants;
    expect(names(ledger, 'write')).toEqual([]);
    expect(names(ledger, 'create')).toEqual([]);
    expect(names(ledger, 'describe')).toEqual([]);
    expect(names(ledger, 'read')).toEqual([prefix + productFeedTopic('ledger')]);
    expect(names(planOf('product:tracer').grants, 'read')).toEqual([
      prefix + productFeedTopic('tracer'),
    ]);
    expect(names(ledger, 'read', 'group')).toEqual(['prefixed:ledger-tenancy-']);
  });

  it('lets only the tenant-registry write the product feeds (it relays them)', () => {
    const feed = prefix + productFeedTopic('ledger');
    const writers = plans
      .filter((p) =>
        p.grants.some(
          (g) =>
            g.resource === 'topic' &&
            g.operation === 'write' &&
            (g.pattern === 'prefixed' ? feed.startsWith(g.name) : feed === g.name),
        ),
      )
      .map((p) => p.role);
    expect(writers).toEqual(['app:tenant-registry']);
  });

  it("lets a publisher write its own intake requests only, and read its own replies, not another's", () => {
    const signup = planOf('publisher:signup').grants;
    expect(names(signup, 'write')).toEqual([prefix + intakeRequestsTopic('signup')]);
    expect(names(signup, 'read')).not.toContain(`${prefix}enclave.intake.backoffice.replies`);
    expect(names(signup, 'read')).toContain(`${prefix}enclave.intake.signup.replies`);
  });

  it('lets a publisher read the outcomes of the products it acts for only, on their feeds', () => {
    const reads = names(planOf('publisher:signup').grants, 'read');
    expect(reads).toContain(prefix + productFeedTopic('ledger'));
    expect(reads).not.toContain(prefix + productFeedTopic('tracer'));
    expect(reads).not.toContain(prefix + Topics.ServiceReady);
    expect(reads).not.toContain(prefix + Topics.ServiceFailed);
    const anyProduct = kafkaAclPlan({
      prefix,
      userOf: (r) => r,
      publishers: [{ name: 'billing', products: '*' }],
    }).find((p) => p.role === 'publisher:billing')!;
    expect(anyProduct.grants).toContainEqual({
      resource: 'topic',
      pattern: 'prefixed',
      name: `${prefix}enclave.products.`,
      operation: 'read',
    });
  });
});
