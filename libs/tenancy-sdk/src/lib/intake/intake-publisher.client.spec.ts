import {
  IntakeReply,
  ServiceFailed,
  ServiceReady,
  intakeRepliesTopic,
  intakeReplyEvent,
  intakeRequestsTopic,
  platformEventCatalog,
  productFeedTopic,
} from '@enclave/contracts';
import { randomUUID } from 'node:crypto';
import { IntakePublisherClient, IntakeTimeoutError } from './intake-publisher.client';
import { IntakeTransport } from './intake.transport';

const PREFIX = 'run-1.';

class FakeTransport implements IntakeTransport {
  readonly sent: { topic: string; key: string; value: string }[] = [];
  topics: readonly string[] = [];
  private onMessage?: (topic: string, value: Buffer | null) => void;

  async send(topic: string, key: string, value: string) {
    this.sent.push({ topic, key, value });
  }
  async subscribe(topics: readonly string[], on: (topic: string, value: Buffer | null) => void) {
    this.topics = topics;
    this.onMessage = on;
  }
  async stop() {}
  deliver(topic: string, value: unknown) {
    this.onMessage!(topic, Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)));
  }
  /** The registry's reply, in its envelope, on the replies topic. */
  reply(reply: IntakeReply) {
    const def = intakeReplyEvent('signup');
    const envelope = platformEventCatalog.envelope(def, reply, {
      tenantId: reply.tenantId ?? '(unknown)',
      producer: 'tenant-registry',
    });
    this.deliver(`${PREFIX}${def.topic}`, envelope);
  }
  lastRequest() {
    return JSON.parse(this.sent[this.sent.length - 1].value);
  }
}

/** A product's feed, where the registry republishes its lifecycle events. */
const feed = (product: string) => `${PREFIX}${productFeedTopic(product)}`;

const ready = (tenantId: string, product: string) =>
  platformEventCatalog.envelope(
    ServiceReady,
    {
      tenantId,
      registrationId: randomUUID(),
      product,
      isolationMode: 'SCHEMA',
      schemaVersion: 1,
      stageTimings: {},
    } as never,
    { tenantId, producer: 'readiness-aggregator' },
  );

async function started() {
  const transport = new FakeTransport();
  const client = new IntakePublisherClient({
    publisher: 'signup',
    products: ['ledger', 'tracer'],
    transport,
    topicPrefix: PREFIX,
    timeoutMs: 200,
  });
  await client.start();
  return { transport, client };
}

describe('IntakePublisherClient', () => {
  it('listens to its replies topic and its products’ feeds (not the shared outcome topics), under the prefix', async () => {
    const { transport } = await started();
    expect(transport.topics).toEqual([
      `${PREFIX}${intakeRepliesTopic('signup')}`,
      feed('ledger'),
      feed('tracer'),
    ]);
    expect(transport.topics).not.toContain(`${PREFIX}${ServiceReady.topic}`);
    expect(transport.topics).not.toContain(`${PREFIX}${ServiceFailed.topic}`);
  });

  it('refuses to await the outcome of a product it does not act for', async () => {
    const { client } = await started();
    await expect(client.awaitOutcome('acme-corp', 'billing')).rejects.toThrow(
      'billing is not a product of this client',
    );
  });

  it('reads outcomes among the other events of a feed, and skips what it cannot decode', async () => {
    const { transport, client } = await started();
    const waiting = client.awaitOutcome('acme-corp', 'ledger');
    transport.deliver(feed('ledger'), 'not json');
    transport.deliver(feed('ledger'), { type: 'Unknown', payload: {} });
    transport.deliver(feed('ledger'), ready('acme-corp', 'ledger'));
    await expect(waiting).resolves.toMatchObject({ state: 'ready' });
  });

  it('publishes a validated request keyed by tenant and resolves with the reply to its id', async () => {
    const { transport, client } = await started();
    const pending = client.publish({
      kind: 'register-service',
      tenantId: 'acme-corp',
      registration: { product: 'ledger' },
    });
    await Promise.resolve();
    const sent = transport.sent[0];
    expect(sent.topic).toBe(`${PREFIX}${intakeRequestsTopic('signup')}`);
    expect(sent.key).toBe('acme-corp');
    const request = transport.lastRequest();
    expect(request).toMatchObject({ kind: 'register-service', publisher: 'signup' });
    // Another request's reply does not settle this one.
    transport.reply({ requestId: randomUUID(), status: 'accepted', tenantId: 'acme-corp' });
    transport.reply({
      requestId: request.requestId,
      status: 'rejected',
      reason: 'unknown product',
      tenantId: 'acme-corp',
    });
    await expect(pending).resolves.toEqual({
      requestId: request.requestId,
      status: 'rejected',
      reason: 'unknown product',
      tenantId: 'acme-corp',
    });
  });

  it('keeps a request id the publisher chose (a retry is the same request)', async () => {
    const { transport, client } = await started();
    const requestId = randomUUID();
    const pending = client.publish({
      kind: 'create-tenant',
      requestId,
      tenant: { id: 'acme-corp', displayName: 'Acme' },
    });
    await Promise.resolve();
    expect(transport.lastRequest().requestId).toBe(requestId);
    expect(transport.sent[0].key).toBe('acme-corp');
    transport.reply({ requestId, status: 'accepted', tenantId: 'acme-corp' });
    await expect(pending).resolves.toMatchObject({ status: 'accepted' });
  });

  it('refuses an invalid request before sending anything', async () => {
    const { transport, client } = await started();
    await expect(
      client.publish({
        kind: 'register-service',
        tenantId: 'Not A Tenant',
        registration: { product: 'ledger' },
      }),
    ).rejects.toThrow();
    expect(transport.sent).toEqual([]);
  });

  it('times out when no reply comes', async () => {
    const { client } = await started();
    await expect(
      client.publish({ kind: 'resume-tenant', tenantId: 'acme-corp' }, { timeoutMs: 20 }),
    ).rejects.toBeInstanceOf(IntakeTimeoutError);
  });

  it('ignores what is not a reply', async () => {
    const { transport, client } = await started();
    const pending = client.publish(
      { kind: 'resume-tenant', tenantId: 'acme-corp' },
      { timeoutMs: 50 },
    );
    transport.deliver(`${PREFIX}${intakeRepliesTopic('signup')}`, 'not json');
    transport.deliver(`${PREFIX}${intakeRepliesTopic('signup')}`, { payload: { status: 'x' } });
    await expect(pending).rejects.toBeInstanceOf(IntakeTimeoutError);
  });

  it('resolves awaitOutcome on the registration’s ServiceReady, even one seen before the call', async () => {
    const { transport, client } = await started();
    const waiting = client.awaitOutcome('acme-corp', 'ledger');
    transport.deliver(feed('tracer'), ready('acme-corp', 'tracer'));
    transport.deliver(feed('ledger'), ready('other', 'ledger'));
    transport.deliver(feed('ledger'), ready('acme-corp', 'ledger'));
    await expect(waiting).resolves.toMatchObject({
      state: 'ready',
      event: { tenantId: 'acme-corp', product: 'ledger' },
    });
    await expect(client.awaitOutcome('acme-corp', 'tracer')).resolves.toMatchObject({
      state: 'ready',
    });
  });

  it('returns a ServiceFailed with its stage and cause, and times out without any', async () => {
    const { transport, client } = await started();
    const waiting = client.awaitOutcome('acme-corp', 'ledger');
    transport.deliver(
      feed('ledger'),
      platformEventCatalog.envelope(
        ServiceFailed,
        {
          tenantId: 'acme-corp',
          registrationId: randomUUID(),
          product: 'ledger',
          isolationMode: 'SCHEMA',
          stage: 'postgres',
          reason: 'disk full',
        } as never,
        { tenantId: 'acme-corp', producer: 'readiness-aggregator' },
      ),
    );
    await expect(waiting).resolves.toMatchObject({
      state: 'failed',
      stage: 'postgres',
      reason: 'disk full',
    });
    await expect(
      client.awaitOutcome('acme-corp', 'tracer', { timeoutMs: 20 }),
    ).rejects.toBeInstanceOf(IntakeTimeoutError);
  });

  it('forgets an earlier outcome when the registration is requested again', async () => {
    const { transport, client } = await started();
    transport.deliver(feed('ledger'), ready('acme-corp', 'ledger'));
    const pending = client.publish({
      kind: 'register-service',
      tenantId: 'acme-corp',
      registration: { product: 'ledger' },
    });
    await Promise.resolve();
    transport.reply({
      requestId: transport.lastRequest().requestId,
      status: 'accepted',
      tenantId: 'acme-corp',
    });
    await pending;
    await expect(
      client.awaitOutcome('acme-corp', 'ledger', { timeoutMs: 20 }),
    ).rejects.toBeInstanceOf(IntakeTimeoutError);
  });

  it('rejects what still waits when stopped', async () => {
    const { client } = await started();
    const reply = client.publish(
      { kind: 'resume-tenant', tenantId: 'acme-corp' },
      { timeoutMs: 5_000 },
    );
    const outcome = client.awaitOutcome('acme-corp', 'ledger', { timeoutMs: 5_000 });
    await client.stop();
    await expect(reply).rejects.toThrow('stopped');
    await expect(outcome).rejects.toThrow('stopped');
  });

  it('fails a publish whose send fails, with the send’s error', async () => {
    const { transport, client } = await started();
    transport.send = async () => {
      throw new Error('broker unreachable');
    };
    await expect(client.publish({ kind: 'resume-tenant', tenantId: 'acme-corp' })).rejects.toThrow(
      'broker unreachable',
    );
  });
});
