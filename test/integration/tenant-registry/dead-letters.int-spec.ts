import { Topics } from '@enclave/contracts';
import {
  ServiceProcess,
  TestDatabase,
  collectTopic,
  createTestDatabase,
  expectEventually,
  randomPortSlot,
  testInfra,
  testKafka,
  kafkaEnv,
} from '@enclave/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const GATED_ENTRY = 'test/integration/tenant-registry/fixtures/gated-stage.main.ts';
const OPERATOR = { kind: 'operator', name: 'bootstrap' };

/**
 * Dead-letter tools on real Kafka and PostgreSQL: the real tenant-registry (collecting every
 * `<topic>.dlq`, serving the operator routes) and two stages of a test fixture, each in its own
 * consumer group, that give up on a TenantCreated whose tenant is not in gated_allowed (a
 * precondition an operator can fix). The registry's own TenantCreated is the poison event.
 */
describe('dead letters: list, inspect, replay after the fix, discard', () => {
  const infra = testInfra();
  const kafka = testKafka(infra.kafkaBrokers);
  const prefix = `it-dl-${randomBytes(4).toString('hex')}.`;
  const token = randomBytes(24).toString('hex');
  const ports = randomPortSlot();
  const api = `http://127.0.0.1:${ports}`;
  const groupA = `${prefix}enclave.fixture-gated-a`;
  const groupB = `${prefix}enclave.fixture-gated-b`;
  const processes: ServiceProcess[] = [];
  let db: TestDatabase;
  let pg: Client;
  let decisions: Awaited<ReturnType<typeof collectTopic>>;

  const start = async (entry: string, port: number, env: NodeJS.ProcessEnv) => {
    const process = new ServiceProcess(entry, {
      HTTP_PORT: String(port),
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      DATABASE_POOL_SIZE: '4',
      ...kafkaEnv(infra),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '2',
      ...env,
    }).start();
    processes.push(process);
    await process.waitForHttp(`http://127.0.0.1:${port}/health/ready`, 180_000);
  };

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const letters = async (query: string) => {
    const { status, body } = await call('GET', `/v1/dead-letters?${query}`);
    expect(status).toBe(200);
    return body.items as Json[];
  };
  const openLettersOf = async (tenantId: string, count: number) =>
    expectEventually(
      async () => {
        const items = await letters(`tenantId=${tenantId}`);
        expect(items).toHaveLength(count);
        return items;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  const effects = async (tenantId: string) =>
    (
      await pg.query<{ event_id: string; service: string }>(
        'SELECT event_id, service FROM public.gated_effects WHERE tenant_id = $1 ORDER BY id',
        [tenantId],
      )
    ).rows;
  const createTenant = async (tenantId: string) =>
    expect(
      (await call('POST', '/v1/tenants', { id: tenantId, displayName: tenantId })).status,
    ).toBe(201);

  beforeAll(async () => {
    db = await createTestDatabase(infra.pgAdminUrl, 'deadletters');
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    await pg.query('CREATE TABLE public.gated_allowed (tenant_id text PRIMARY KEY)');
    await pg.query(`CREATE TABLE public.gated_effects (
      id bigserial PRIMARY KEY, event_id uuid NOT NULL, tenant_id text NOT NULL, service text NOT NULL)`);
    await Promise.all([
      start('apps/tenant-registry/src/main.ts', ports, {
        ADMIN_API_TOKEN: token,
        PRODUCT_TOKEN_SECRET: randomBytes(24).toString('hex'),
        SECRET_STORE: 'embedded',
        SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      }),
      start(GATED_ENTRY, ports + 1, { FIXTURE_SERVICE: 'fixture-gated-a' }),
      start(GATED_ENTRY, ports + 2, { FIXTURE_SERVICE: 'fixture-gated-b' }),
    ]);
    decisions = await collectTopic(kafka, [
      `${prefix}${Topics.DeadLetterReplayed}`,
      `${prefix}${Topics.DeadLetterDiscarded}`,
    ]);
  }, 240_000);

  afterAll(async () => {
    await decisions?.stop();
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await pg?.end();
    await db?.drop();
  });

  afterEach(() => {
    const problems = processes
      .flatMap((p) => p.logs.split('\n'))
      .filter((line) => /"level":"(error|fatal)"/.test(line) && !/dead-lettered/.test(line));
    // The fixture's own failures are the point; anything else is a finding.
    expect(problems).toEqual([]);
  });

  const decisionsOn = (deadLetterId: string) =>
    decisions.messages
      .map((m) => JSON.parse(m.message.value!.toString()) as Json)
      .filter((e) => e.payload.deadLetterId === deadLetterId);

  it('lists a poison event with its cause per failing group, and replays it after the fix, handled once by that group only', async () => {
    const tenantId = `dl-${randomBytes(3).toString('hex')}`;
    await createTenant(tenantId);
    const items = await openLettersOf(tenantId, 2);
    expect(items.map((i) => i.consumerGroup).sort()).toEqual([groupA, groupB]);
    for (const item of items) {
      expect(item).toMatchObject({
        status: 'open',
        sourceTopic: Topics.TenantCreated,
        eventType: 'TenantCreated',
        tenantId,
        error: 'PreconditionMissing',
        cause: `tenant ${tenantId} is not in gated_allowed`,
        attempts: 1,
        resolution: null,
      });
    }
    expect(items[0].eventId).toBe(items[1].eventId);
    const eventId = items[0].eventId as string;
    const letterA = items.find((i) => i.consumerGroup === groupA)!;
    const letterB = items.find((i) => i.consumerGroup === groupB)!;
    // Filtered by topic too, and shown whole.
    expect((await letters(`topic=${Topics.TenantCreated}&tenantId=${tenantId}`)).length).toBe(2);
    const detail = await call('GET', `/v1/dead-letters/${letterA.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.envelope).toMatchObject({
      id: eventId,
      type: 'TenantCreated',
      payload: { tenantId, displayName: tenantId },
      actor: OPERATOR,
    });
    expect(detail.body.key).toBe(tenantId);

    // Replayed before the fix: it fails again, and comes back as a new open letter of group A.
    const early = await call('POST', `/v1/dead-letters/${letterA.id}/replay`, {
      reason: 'trying before the fix',
    });
    expect(early.status).toBe(200);
    expect(early.body).toMatchObject({ status: 'replayed', resolution: { by: OPERATOR } });
    const again = await expectEventually(
      async () => {
        const open = await letters(`tenantId=${tenantId}`);
        const a = open.filter((i) => i.consumerGroup === groupA);
        expect(a).toHaveLength(1);
        expect(a[0].id).not.toBe(letterA.id);
        return a[0];
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(again).toMatchObject({ eventId, cause: `tenant ${tenantId} is not in gated_allowed` });
    // A decided letter is decided: replaying it twice is refused.
    const twice = await call('POST', `/v1/dead-letters/${letterA.id}/replay`, { reason: 'again' });
    expect(twice.status).toBe(409);
    expect(await effects(tenantId)).toEqual([]);

    // The fix, then the replay: group A handles the event, once; group B does not see it.
    await pg.query('INSERT INTO public.gated_allowed (tenant_id) VALUES ($1)', [tenantId]);
    const replayed = await call('POST', `/v1/dead-letters/${again.id}/replay`, {
      reason: 'tenant allowed',
    });
    expect(replayed.status).toBe(200);
    await expectEventually(
      async () =>
        expect(await effects(tenantId)).toEqual([
          { event_id: eventId, service: 'fixture-gated-a' },
        ]),
      { timeoutMs: 30_000 },
    );
    // Group B's letter is still open and replays on its own.
    expect((await letters(`tenantId=${tenantId}`)).map((i) => i.id)).toEqual([letterB.id]);
    expect(
      (await call('POST', `/v1/dead-letters/${letterB.id}/replay`, { reason: 'tenant allowed' }))
        .status,
    ).toBe(200);
    await expectEventually(
      async () =>
        expect((await effects(tenantId)).map((e) => e.service)).toEqual([
          'fixture-gated-a',
          'fixture-gated-b',
        ]),
      { timeoutMs: 30_000 },
    );
    expect(await letters(`tenantId=${tenantId}`)).toEqual([]);
    expect(
      (await call('POST', `/v1/dead-letters/${again.id}/replay`, { reason: 'x' })).status,
    ).toBe(409);
    // Each decision is announced once, saying who and why.
    await expectEventually(() => {
      for (const id of [letterA.id, again.id, letterB.id]) {
        const events = decisionsOn(id);
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({
          type: 'DeadLetterReplayed',
          tenantId,
          actor: OPERATOR,
          payload: { eventId, sourceTopic: Topics.TenantCreated },
        });
      }
    });
    expect(decisionsOn(again.id)[0].payload.reason).toBe('tenant allowed');
    // Exactly once, still, after every replay settled.
    expect(await effects(tenantId)).toHaveLength(2);
  }, 240_000);

  it('takes a discarded letter off the open list and records who discarded it and why', async () => {
    const tenantId = `dl-${randomBytes(3).toString('hex')}`;
    await createTenant(tenantId);
    const items = await openLettersOf(tenantId, 2);
    const letterA = items.find((i) => i.consumerGroup === groupA)!;
    const discarded = await call('POST', `/v1/dead-letters/${letterA.id}/discard`, {
      reason: 'test tenant, never to be served',
    });
    expect(discarded.status).toBe(200);
    expect((await letters(`tenantId=${tenantId}`)).map((i) => i.consumerGroup)).toEqual([groupB]);
    const [record] = await letters(`tenantId=${tenantId}&status=discarded`);
    expect(record).toMatchObject({
      id: letterA.id,
      status: 'discarded',
      resolution: { by: OPERATOR, reason: 'test tenant, never to be served' },
    });
    expect(Date.parse(record.resolution.at)).toBeGreaterThan(Date.parse(record.failedAt));
    expect((await call('GET', `/v1/dead-letters/${letterA.id}`)).body.status).toBe('discarded');
    expect(
      (await call('POST', `/v1/dead-letters/${letterA.id}/replay`, { reason: 'x' })).status,
    ).toBe(409);
    expect(
      (await call('POST', `/v1/dead-letters/${letterA.id}/discard`, { reason: 'x' })).status,
    ).toBe(409);
    await expectEventually(() =>
      expect(decisionsOn(letterA.id)).toEqual([
        expect.objectContaining({
          type: 'DeadLetterDiscarded',
          actor: OPERATOR,
          payload: expect.objectContaining({ reason: 'test tenant, never to be served' }),
        }),
      ]),
    );
    expect(await effects(tenantId)).toEqual([]);
  }, 120_000);

  it('refuses bad input with the reason, unknown letters with 404, and callers without the token', async () => {
    expect((await fetch(`${api}/v1/dead-letters`)).status).toBe(401);
    expect((await call('GET', '/v1/dead-letters/not-a-uuid')).status).toBe(400);
    expect((await call('GET', '/v1/dead-letters?status=lost')).status).toBe(400);
    expect((await call('GET', '/v1/dead-letters?limit=0')).status).toBe(400);
    expect((await call('GET', '/v1/dead-letters?color=red')).status).toBe(400);
    expect((await call('GET', `/v1/dead-letters/${randomUUID()}`)).status).toBe(404);
    expect((await call('POST', `/v1/dead-letters/${randomUUID()}/replay`, {})).status).toBe(400);
    expect(
      (await call('POST', `/v1/dead-letters/${randomUUID()}/discard`, { reason: 'x' })).status,
    ).toBe(404);
  });

  it('pages with a cursor', async () => {
    const first = await call('GET', '/v1/dead-letters?status=replayed&limit=1');
    expect(first.body.items).toHaveLength(1);
    expect(first.body.next).toEqual(expect.any(String));
    const second = await call(
      'GET',
      `/v1/dead-letters?status=replayed&limit=1&after=${first.body.next}`,
    );
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
  });
});
