import { TenancyUnavailableError } from '../errors/tenancy-unavailable.error';
import { TenantNotReadyError } from '../errors/tenant-not-ready.error';
import { TenantSuspendedError } from '../errors/tenant-suspended.error';
import { UnknownTenantError } from '../errors/unknown-tenant.error';
import { TenantConnection } from '@enclave/contracts';
import { PlatformTenantResolver } from './platform.tenant-resolver';

const endpoints = {
  postgres: { host: 'pg.internal', port: 5433 },
  mongodb: { url: 'mongodb://mongo.internal:27017' },
  rabbitmq: { host: 'mq.internal', port: 5671, protocol: 'amqps' as const },
};

const ready: TenantConnection = {
  tenantId: 'acme',
  product: 'ledger',
  isolationMode: 'SCHEMA',
  state: 'ready',
  postgres: {
    database: 'p_ledger',
    schema: 't_acme',
    username: 't_acme__ledger_s',
    password: 'pg-secret',
    secretVersion: 2,
  },
  mongodb: {
    database: 't_acme__ledger',
    username: 'u',
    password: 'mongo-secret',
    secretVersion: 1,
  },
  rabbitmq: {
    vhost: 't_acme__ledger',
    isolation: 'VHOST',
    prefix: '',
    username: 'r',
    password: 'mq-secret',
    secretVersion: 3,
  },
};

/** A fetch stub answering one canned response and recording what was asked. */
function stubFetch(answer: () => Response | Promise<Response>) {
  const calls: Array<{ url: string; init?: RequestInit }> = [];
  const fetch = (async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    return answer();
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('PlatformTenantResolver', () => {
  const resolverWith = (answer: () => Response | Promise<Response>, extra = {}) => {
    const stub = stubFetch(answer);
    const resolver = new PlatformTenantResolver({
      url: 'https://registry.internal/',
      token: 'ept_ledger_abc',
      endpoints,
      fetch: stub.fetch,
      ...extra,
    });
    return { resolver, calls: stub.calls };
  };

  it('asks for one tenant of its product with its token, and joins names and credentials to its endpoints', async () => {
    const { resolver, calls } = resolverWith(() => json(ready));
    const info = await resolver.resolve('acme', 'ledger');
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe(
      'https://registry.internal/v1/products/ledger/tenants/acme/connection',
    );
    expect(new Headers(calls[0].init?.headers).get('authorization')).toBe('Bearer ept_ledger_abc');
    expect(info).toEqual({
      tenantId: 'acme',
      product: 'ledger',
      isolationMode: 'SCHEMA',
      state: 'ready',
      postgres: { host: 'pg.internal', port: 5433, ...ready.postgres },
      mongodb: { url: 'mongodb://mongo.internal:27017', ...ready.mongodb },
      rabbitmq: { protocol: 'amqps', host: 'mq.internal', port: 5671, ...ready.rabbitmq },
    });
  });

  it("carries a shared vhost's tenant prefix, so the product names its exchanges and queues under it", async () => {
    const shared = {
      ...ready,
      rabbitmq: {
        ...ready.rabbitmq,
        vhost: 'p_ledger',
        isolation: 'SHARED_VHOST',
        prefix: 't.acme.',
      },
    };
    const info = await resolverWith(() => json(shared)).resolver.resolve('acme', 'ledger');
    expect(info.rabbitmq).toMatchObject({
      vhost: 'p_ledger',
      isolation: 'SHARED_VHOST',
      prefix: 't.acme.',
    });
    expect(`${info.rabbitmq?.prefix}ledger.events`).toBe('t.acme.ledger.events');
  });

  it('reads an answer without isolation and prefix (a registry before the shared vhost) as its own vhost, no prefix', async () => {
    const { isolation: _i, prefix: _p, ...older } = ready.rabbitmq!;
    const info = await resolverWith(() => json({ ...ready, rabbitmq: older })).resolver.resolve(
      'acme',
      'ledger',
    );
    expect(info.rabbitmq).toMatchObject({
      vhost: 't_acme__ledger',
      isolation: 'VHOST',
      prefix: '',
    });
  });

  it.each([
    ['suspended', TenantSuspendedError],
    ['provisioning', TenantNotReadyError],
    ['failed', TenantNotReadyError],
  ] as const)('maps state %s to %p', async (state, error) => {
    const { resolver } = resolverWith(() =>
      json({ tenantId: 'acme', product: 'ledger', isolationMode: 'SCHEMA', state }),
    );
    await expect(resolver.resolve('acme', 'ledger')).rejects.toBeInstanceOf(error);
  });

  it('maps 404 to UnknownTenantError', async () => {
    const { resolver } = resolverWith(() => json({ message: 'not registered' }, 404));
    await expect(resolver.resolve('acme', 'ledger')).rejects.toBeInstanceOf(UnknownTenantError);
  });

  it('never calls the platform with an id that is not a valid tenant or product name', async () => {
    const { resolver, calls } = resolverWith(() => json(ready));
    await expect(resolver.resolve('../admin', 'ledger')).rejects.toBeInstanceOf(UnknownTenantError);
    await expect(resolver.resolve('acme', 'ledger/../x')).rejects.toBeInstanceOf(
      UnknownTenantError,
    );
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['a refused token (401)', () => json({ message: 'nope' }, 401)],
    ['a server error', () => json({}, 500)],
    ['a body that is not the contract', () => json({ tenantId: 'acme', state: 'ready' })],
    ['a body that is not JSON', () => new Response('<html>', { status: 200 })],
    ['an answer about another tenant', () => json({ ...ready, tenantId: 'globex' })],
    [
      'a network failure',
      () => {
        throw new TypeError('fetch failed');
      },
    ],
  ])(
    'is unavailable (503, directory-unavailable), not the caller’s fault, on %s',
    async (_, answer) => {
      const { resolver } = resolverWith(answer);
      const error = await resolver.resolve('acme', 'ledger').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TenancyUnavailableError);
      expect(error).toMatchObject({ reason: 'directory-unavailable', status: 503 });
      expect(String((error as Error).message)).not.toContain('ept_ledger_abc');
    },
  );

  it('gives up after its timeout', async () => {
    // A registry that never answers: only the resolver's abort signal ends the call.
    const calls: AbortSignal[] = [];
    const hanging = ((_: string, init?: RequestInit) =>
      new Promise<Response>((_, reject) => {
        calls.push(init!.signal!);
        init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason));
      })) as unknown as typeof fetch;
    const resolver = new PlatformTenantResolver({
      url: 'https://registry.internal',
      token: 't',
      endpoints,
      fetch: hanging,
      timeoutMs: 50,
    });
    const started = performance.now();
    await expect(resolver.resolve('acme', 'ledger')).rejects.toMatchObject({
      reason: 'directory-unavailable',
    });
    expect(calls[0].aborted).toBe(true);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('is not ready when a store the product uses has no credentials yet', async () => {
    const { resolver } = resolverWith(() => json({ ...ready, rabbitmq: undefined }));
    await expect(resolver.resolve('acme', 'ledger')).rejects.toMatchObject({
      detail: 'rabbitmq credentials missing',
    });
  });

  it('needs at least one endpoint', () => {
    expect(
      () => new PlatformTenantResolver({ url: 'http://x', token: 't', endpoints: {} }),
    ).toThrow(/at least one endpoint/);
  });
});
