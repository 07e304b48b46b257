import {
  PlatformEvents,
  Topics,
  intakeRepliesTopic,
  intakeRequestsTopic,
  productFeedTopic,
} from '@enclave/contracts';
import {
  KafkaSasl,
  expectEventually,
  randomPortSlot,
  recordExercised,
  testInfra,
  testKafka,
} from '@enclave/testing';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  ResourcePatternTypes,
  SASLOptions,
  logLevel,
} from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { PrincipalPlan, kafkaAclPlan } from '../../scripts/kafka/kafka-acl-plan';
import { applyKafkaPrincipals, removeKafkaPrincipals } from '../../scripts/kafka/kafka-principals';
import { PrivateKafka } from './support/private-kafka';

/**
 * Kafka as a trust boundary, on the test profile's real broker (SASL SCRAM-SHA-512, the
 * StandardAuthorizer, nothing allowed without an ACL): principals and ACLs made exactly as an e2e
 * run makes them (scripts/kafka), then each attack below must be refused by the broker itself, next
 * to a control showing the same principal can do what it owns.
 */
describe('Kafka authentication and ACLs', () => {
  const infra = testInfra();
  const run = randomBytes(3).toString('hex');
  const prefix = `acl-${run}.`;
  const admin = infra.kafkaSasl!;
  const superUser = {
    brokers: infra.kafkaBrokers,
    username: admin.username,
    password: admin.password,
  };
  const passwords = new Map<string, string>();
  let plans: PrincipalPlan[] = [];
  const clients: { disconnect(): Promise<void> }[] = [];

  const userOf = (role: string) => `${prefix}${role.replace(':', '.')}`;
  const saslOf = (role: string): KafkaSasl => ({
    mechanism: 'scram-sha-512',
    username: userOf(role),
    password: passwords.get(userOf(role))!,
  });
  /**
   * Broker error codes kafkajs only logs: it reports a refused FindCoordinator (the group ACL) as
   * "Failed to find group coordinator", the broker's GROUP_AUTHORIZATION_FAILED in its debug log.
   */
  const loggedErrors: string[] = [];
  const kafkaAs = (sasl?: KafkaSasl | SASLOptions) =>
    new Kafka({
      clientId: `acl-test-${run}`,
      brokers: infra.kafkaBrokers,
      ...(sasl ? { sasl: sasl as SASLOptions } : {}),
      connectionTimeout: 3_000,
      retry: { retries: 0 },
      logLevel: logLevel.DEBUG,
      logCreator:
        () =>
        ({ log }) => {
          const type = (log as { error?: { type?: string } }).error?.type;
          if (type) loggedErrors.push(type);
        },
    });

  /** Sends one message as `role`; resolves with the broker's error type, or 'OK'. */
  const writeAs = async (role: string, topic: string): Promise<string> => {
    const producer = kafkaAs(saslOf(role)).producer({ allowAutoTopicCreation: false });
    clients.push(producer);
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'forged' }] });
      return 'OK';
    } catch (error) {
      return errorType(error);
    } finally {
      await producer.disconnect();
    }
  };

  /** Reads `topic` from the beginning as `role` in `group`: the first value, or the broker's error type. */
  const readAs = async (role: string, group: string, topic: string): Promise<string> => {
    const consumer = kafkaAs(saslOf(role)).consumer({
      groupId: group,
      allowAutoTopicCreation: false,
      retry: { retries: 0 },
    });
    clients.push(consumer);
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const first = new Promise<string>((resolve, reject) => {
        consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
        void consumer
          .run({ eachMessage: async ({ message }) => resolve(String(message.value)) })
          .catch(reject);
      });
      return await Promise.race([
        first,
        new Promise<string>((_, reject) =>
          setTimeout(() => reject(new Error('nothing read within 30 s')), 30_000).unref(),
        ),
      ]);
    } catch (error) {
      return errorType(error);
    } finally {
      await consumer.disconnect();
    }
  };

  const t = (logical: string) => `${prefix}${logical}`;

  beforeAll(async () => {
    plans = kafkaAclPlan({
      prefix,
      userOf,
      products: ['ledger', 'tracer'],
      publishers: [
        { name: 'signup', products: ['ledger'] },
        { name: 'backoffice', products: ['tracer'] },
      ],
    });
    for (const plan of plans) passwords.set(plan.user, randomBytes(18).toString('hex'));
    await applyKafkaPrincipals(superUser, plans, (user) => passwords.get(user)!);
    // The topics exist (the platform creates them), each with one message to read.
    const topics = [
      ...Object.values(PlatformEvents).map((e) => t(e.topic)),
      t(intakeRequestsTopic('signup')),
      t(intakeRequestsTopic('backoffice')),
      t(intakeRepliesTopic('signup')),
      t(intakeRepliesTopic('backoffice')),
      t(productFeedTopic('ledger')),
      t(productFeedTopic('tracer')),
    ];
    const kafka = testKafka(infra.kafkaBrokers);
    const a = kafka.admin();
    await a.connect();
    await a.createTopics({
      waitForLeaders: true,
      topics: [...new Set(topics)].map((topic) => ({ topic, numPartitions: 1 })),
    });
    // A fresh broker has no group coordinator until its offsets topic is up, and kafkajs reports
    // that as it reports a refused group ("Failed to find group coordinator"): wait for one, so a
    // test's refusal is the ACL's and its control does not fail on a broker still starting.
    await expectEventually(() => a.describeGroups([`${prefix}warm-up`]), {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    await a.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.sendBatch({
      topicMessages: [...new Set(topics)].map((topic) => ({
        topic,
        messages: [{ key: 'k', value: `genuine on ${topic}` }],
      })),
    });
    await producer.disconnect();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
    await removeKafkaPrincipals(superUser, plans);
    const a = testKafka(infra.kafkaBrokers).admin();
    await a.connect();
    try {
      await a.deleteTopics({ topics: (await a.listTopics()).filter((x) => x.startsWith(prefix)) });
      // Nothing of the run is left: no ACL names one of its principals.
      const left = await a.describeAcls({
        resourceType: AclResourceTypes.ANY,
        resourcePatternType: ResourcePatternTypes.ANY,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      });
      const ours = left.resources.flatMap((r) =>
        r.acls.filter((acl) => acl.principal.startsWith(`User:${prefix}`)),
      );
      expect(ours).toEqual([]);
    } finally {
      await a.disconnect();
    }
  }, 120_000);

  it("keeps every login across a broker restart after a run's principals were removed, and refuses theirs", async () => {
    // A broker of this test's own: the shared one is not restarted.
    const kafka = new PrivateKafka(infra, randomPortSlot());
    const own = { brokers: kafka.brokers, username: 'admin', password: kafka.sasl.password };
    try {
      await kafka.start();
      const keep = kafkaAclPlan({
        prefix: 'keep.',
        userOf: (r) => `keep.${r}`,
        products: ['ledger'],
      });
      const gone = kafkaAclPlan({
        prefix: 'gone.',
        userOf: (r) => `gone.${r}`,
        products: ['ledger'],
      });
      await applyKafkaPrincipals(own, [...keep, ...gone], () => 'run-password-0123456789');
      await removeKafkaPrincipals(own, gone);
      await kafka.kill();
      await kafka.start();
      const loginAs = async (username: string) => {
        const a = new Kafka({
          clientId: `acl-test-${run}`,
          brokers: kafka.brokers,
          sasl: {
            mechanism: 'scram-sha-512',
            username,
            password: username === 'admin' ? own.password : 'run-password-0123456789',
          },
          retry: { retries: 0 },
          logLevel: logLevel.NOTHING,
        }).admin();
        try {
          await a.connect();
          await a.disconnect();
          return 'OK';
        } catch (error) {
          return errorType(error);
        }
      };
      expect(await loginAs('admin')).toBe('OK');
      expect(await loginAs(keep[0].user)).toBe('OK');
      expect(await loginAs(gone[0].user)).toMatch(/SASL|authentication/i);
    } finally {
      await kafka.remove();
    }
  }, 180_000);

  it('refuses a client that does not authenticate, or with a wrong password', async () => {
    const anonymous = kafkaAs().admin();
    clients.push(anonymous);
    await expect(anonymous.connect().then(() => anonymous.listTopics())).rejects.toThrow();

    const wrong = kafkaAs({ ...saslOf('product:ledger'), password: 'not-the-password' }).admin();
    clients.push(wrong);
    await expect(wrong.connect()).rejects.toThrow(/SASL SCRAM SHA512 authentication failed/i);

    // Control: the right password connects.
    const right = kafkaAs(saslOf('product:ledger')).admin();
    clients.push(right);
    await right.connect();
    await right.disconnect();
    recordExercised(
      'Kafka',
      `${infra.kafkaBrokers.join(',')}: SASL refuses anonymous and wrong logins`,
    );
  }, 60_000);

  it('a product cannot write an internal topic, nor read the shared lifecycle topics; it reads its own feed', async () => {
    for (const topic of [
      Topics.ServiceRegistered,
      Topics.ServiceDeprovisionRequested,
      Topics.CredentialsIssued,
      Topics.ServiceReady,
      productFeedTopic('ledger'),
    ]) {
      expect([topic, await writeAs('product:ledger', t(topic))]).toEqual([
        topic,
        'TOPIC_AUTHORIZATION_FAILED',
      ]);
    }
    // The shared lifecycle topics carry every product's events: no product reads them.
    for (const [i, topic] of [
      Topics.CredentialsIssued,
      Topics.ServiceReady,
      Topics.TenantStatusChanged,
    ].entries()) {
      expect([
        topic,
        await readAs('product:ledger', `ledger-tenancy-${run}-a${i}`, t(topic)),
      ]).toEqual([topic, 'TOPIC_AUTHORIZATION_FAILED']);
    }
    expect(
      await readAs('product:ledger', `ledger-tenancy-${run}-b`, t(productFeedTopic('ledger'))),
    ).toBe(`genuine on ${t(productFeedTopic('ledger'))}`);
  }, 120_000);

  it("product A cannot read product B's feed, while each reads its own", async () => {
    expect(
      await readAs('product:ledger', `ledger-tenancy-${run}-c`, t(productFeedTopic('tracer'))),
    ).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(
      await readAs('product:tracer', `tracer-tenancy-${run}-c`, t(productFeedTopic('ledger'))),
    ).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(
      await readAs('product:tracer', `tracer-tenancy-${run}-d`, t(productFeedTopic('tracer'))),
    ).toBe(`genuine on ${t(productFeedTopic('tracer'))}`);
    expect(
      await readAs('product:ledger', `ledger-tenancy-${run}-d`, t(productFeedTopic('ledger'))),
    ).toBe(`genuine on ${t(productFeedTopic('ledger'))}`);
  }, 120_000);

  it("a product cannot join a platform app's consumer group", async () => {
    loggedErrors.length = 0;
    expect(
      await readAs(
        'product:ledger',
        t('enclave.postgres-provisioner'),
        t(productFeedTopic('ledger')),
      ),
    ).toBe('untyped: Failed to find group coordinator');
    expect(loggedErrors).toContain('GROUP_AUTHORIZATION_FAILED');
  }, 60_000);

  it("a publisher writes its own intake requests only, and cannot read another publisher's replies", async () => {
    expect(await writeAs('publisher:signup', t(intakeRequestsTopic('signup')))).toBe('OK');
    expect(await writeAs('publisher:signup', t(intakeRequestsTopic('backoffice')))).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );
    expect(await writeAs('publisher:signup', t(intakeRepliesTopic('signup')))).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );
    expect(
      await readAs(
        'publisher:signup',
        `signup-intake-${run}-a`,
        t(intakeRepliesTopic('backoffice')),
      ),
    ).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(
      await readAs('publisher:signup', `signup-intake-${run}-b`, t(intakeRepliesTopic('signup'))),
    ).toBe(`genuine on ${t(intakeRepliesTopic('signup'))}`);
  }, 120_000);

  it('a publisher reads the outcomes of the products it acts for on their feeds, no other', async () => {
    // signup acts for ledger only: the shared outcome topics (every product's) and tracer's feed
    // are refused; ledger's feed is read.
    for (const [i, topic] of [
      Topics.ServiceReady,
      Topics.ServiceFailed,
      productFeedTopic('tracer'),
    ].entries()) {
      expect([
        topic,
        await readAs('publisher:signup', `signup-intake-${run}-o${i}`, t(topic)),
      ]).toEqual([topic, 'TOPIC_AUTHORIZATION_FAILED']);
    }
    expect(
      await readAs('publisher:signup', `signup-intake-${run}-f`, t(productFeedTopic('ledger'))),
    ).toBe(`genuine on ${t(productFeedTopic('ledger'))}`);
  }, 120_000);

  it('a stage cannot write a topic another stage owns; it writes its own', async () => {
    expect(await writeAs('app:mongo-provisioner', t(Topics.PostgresProvisioned))).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );
    expect(await writeAs('app:mongo-provisioner', t(Topics.ServiceReady))).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );
    expect(await writeAs('app:credential-service', t(Topics.ServiceDeprovisionRequested))).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );
    expect(await writeAs('app:mongo-provisioner', t(Topics.MongoProvisioned))).toBe('OK');
  }, 120_000);

  it('a principal cannot grant itself more (creating ACLs is for the super-user only)', async () => {
    const a = kafkaAs(saslOf('product:ledger')).admin();
    clients.push(a);
    await a.connect();
    const error = await a
      .createAcls({
        acl: [
          {
            resourceType: AclResourceTypes.TOPIC,
            resourceName: t(Topics.ServiceRegistered),
            resourcePatternType: ResourcePatternTypes.LITERAL,
            principal: `User:${userOf('product:ledger')}`,
            host: '*',
            operation: AclOperationTypes.WRITE,
            permissionType: AclPermissionTypes.ALLOW,
          },
        ],
      })
      .then(
        () => 'OK',
        (e: unknown) => errorType(e),
      );
    await a.disconnect();
    expect(error).toBe('CLUSTER_AUTHORIZATION_FAILED');
    await expectEventually(async () =>
      expect(await writeAs('product:ledger', t(Topics.ServiceRegistered))).toBe(
        'TOPIC_AUTHORIZATION_FAILED',
      ),
    );
  }, 60_000);
});

/** The broker's error code name kafkajs carries (`type`), also inside retries and crash wrappers. */
function errorType(error: unknown): string {
  let e = error as { type?: string; originalError?: unknown; cause?: unknown; message?: string };
  for (let i = 0; i < 5 && e; i++) {
    if (e.type) return e.type;
    e = (e.originalError ?? e.cause) as typeof e;
  }
  return `untyped: ${(error as Error)?.message}`;
}
