import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { InvalidSecretRefError } from '../errors/invalid-secret-ref.error';
import { SecretBackendError } from '../errors/secret-backend.error';
import { SecretNotFoundError } from '../errors/secret-not-found.error';
import { putIfAbsent } from '../put-if-absent';
import { createVaultClient } from './vault-client.factory';
import { VaultKvSecretStore } from './vault-kv.secret-store';

/**
 * The store's requests through the real node-vault client, against an in-process stand-in that
 * answers the KV v2 HTTP shapes. It checks the wiring (paths, query, token header, error mapping);
 * Vault's own behaviour is covered by the contract suite whenever VAULT_ADDR is set.
 */
describe('VaultKvSecretStore against a KV v2 HTTP stand-in', () => {
  const TOKEN = 'unit-test-token';
  const versions = new Map<string, Record<string, string>[]>();
  const requests: { method: string; url: string; token?: string }[] = [];
  let server: Server;
  let endpoint: string;
  let failNext: number | undefined;
  /** Another writer's version, landing just before the next write is handled (a lost race). */
  let racingWrite: Record<string, string> | undefined;
  const bodies: unknown[] = [];

  const reply = (res: ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    if (raw) bodies.push(JSON.parse(raw));
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      token: req.headers['x-vault-token'] as string,
    });
    if (req.headers['x-vault-token'] !== TOKEN)
      return reply(res, 403, { errors: ['permission denied'] });
    if (failNext) {
      const status = failNext;
      failNext = undefined;
      return reply(res, status, { errors: ['Vault is sealed'] });
    }
    if (url.pathname === '/v1/auth/token/lookup-self')
      return reply(res, 200, { data: { policies: ['root'] } });
    const data = /^\/v1\/kv\/data\/(.+)$/.exec(url.pathname);
    const metadata = /^\/v1\/kv\/metadata\/(.+)$/.exec(url.pathname);
    if (data && req.method === 'POST') {
      const list = versions.get(data[1]) ?? [];
      if (racingWrite) {
        list.push(racingWrite);
        racingWrite = undefined;
      }
      const body = JSON.parse(raw) as { data: Record<string, string>; options?: { cas?: number } };
      if (body.options?.cas !== undefined && body.options.cas !== list.length) {
        versions.set(data[1], list);
        return reply(res, 400, {
          errors: ['check-and-set parameter did not match the current version'],
        });
      }
      list.push(body.data);
      versions.set(data[1], list);
      return reply(res, 200, { data: { version: list.length, destroyed: false } });
    }
    if (data && req.method === 'GET') {
      const list = versions.get(data[1]) ?? [];
      const version = Number(url.searchParams.get('version') ?? list.length);
      if (!list[version - 1]) return reply(res, 404, { errors: [] });
      return reply(res, 200, { data: { data: list[version - 1], metadata: { version } } });
    }
    if (metadata && req.method === 'DELETE') {
      versions.delete(metadata[1]);
      return reply(res, 204);
    }
    return reply(res, 404, { errors: [] });
  };

  beforeAll(async () => {
    server = createServer((req, res) => void handle(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  const store = (token = TOKEN) =>
    new VaultKvSecretStore(createVaultClient({ endpoint, token }), { mount: 'kv' });

  it('writes to <mount>/data/<path> with the token and returns the version Vault assigned', async () => {
    const s = store();
    expect(await s.put('tenants/a/db', { password: 'p1' })).toEqual({
      path: 'tenants/a/db',
      version: 1,
    });
    expect(await s.put('tenants/a/db', { password: 'p2' })).toEqual({
      path: 'tenants/a/db',
      version: 2,
    });
    expect(requests.at(-1)).toEqual({
      method: 'POST',
      url: '/v1/kv/data/tenants/a/db',
      token: TOKEN,
    });
  });

  it('reads the latest or a given version through ?version=n', async () => {
    const s = store();
    expect(await s.get('tenants/a/db')).toEqual({
      ref: { path: 'tenants/a/db', version: 2 },
      data: { password: 'p2' },
    });
    expect((await s.get('tenants/a/db', 1)).data).toEqual({ password: 'p1' });
    expect(requests.at(-1)?.url).toBe('/v1/kv/data/tenants/a/db?version=1');
  });

  it('maps 404 to SecretNotFoundError and find to undefined', async () => {
    const s = store();
    await expect(s.get('tenants/a/none')).rejects.toBeInstanceOf(SecretNotFoundError);
    await expect(s.get('tenants/a/db', 9)).rejects.toBeInstanceOf(SecretNotFoundError);
    expect(await s.find('tenants/a/none')).toBeUndefined();
  });

  it('revokes by deleting <mount>/metadata/<path>, idempotently', async () => {
    const s = store();
    await s.revoke('tenants/a/db');
    expect(requests.at(-1)).toMatchObject({
      method: 'DELETE',
      url: '/v1/kv/metadata/tenants/a/db',
    });
    await s.revoke('tenants/a/db');
    await expect(s.get('tenants/a/db', 1)).rejects.toBeInstanceOf(SecretNotFoundError);
  });

  it('putIfAbsent writes with check-and-set 0 when the key is absent, and not at all when live', async () => {
    const s = store();
    expect(await putIfAbsent(s, 'tenants/b/db', { password: 'b1' })).toEqual({
      ref: { path: 'tenants/b/db', version: 1 },
      data: { password: 'b1' },
    });
    expect(bodies.at(-1)).toEqual({ data: { password: 'b1' }, options: { cas: 0 } });
    const writes = requests.filter((r) => r.method === 'POST').length;
    expect(await putIfAbsent(s, 'tenants/b/db', { password: 'b2' })).toEqual({
      ref: { path: 'tenants/b/db', version: 1 },
      data: { password: 'b1' },
    });
    expect(requests.filter((r) => r.method === 'POST').length).toBe(writes);
  });

  it('putIfAbsent that loses the race to another writer returns the winner’s secret', async () => {
    racingWrite = { password: 'theirs' };
    expect(await putIfAbsent(store(), 'tenants/c/db', { password: 'ours' })).toEqual({
      ref: { path: 'tenants/c/db', version: 1 },
      data: { password: 'theirs' },
    });
    expect(versions.get('tenants/c/db')).toEqual([{ password: 'theirs' }]);
  });

  it('putIfLatest writes with check-and-set at the expected version, and answers undefined on a mismatch', async () => {
    const s = store();
    expect(await s.putIfLatest('tenants/d/db', { password: 'd1' }, 0)).toEqual({
      path: 'tenants/d/db',
      version: 1,
    });
    expect(bodies.at(-1)).toEqual({ data: { password: 'd1' }, options: { cas: 0 } });
    expect(await s.putIfLatest('tenants/d/db', { password: 'd2' }, 0)).toBeUndefined();
    expect(await s.putIfLatest('tenants/d/db', { password: 'd2' }, 1)).toEqual({
      path: 'tenants/d/db',
      version: 2,
    });
    expect(versions.get('tenants/d/db')).toEqual([{ password: 'd1' }, { password: 'd2' }]);
  });

  it('rejects invalid paths before any request', async () => {
    const before = requests.length;
    await expect(store().put('../x', { a: 'b' })).rejects.toBeInstanceOf(InvalidSecretRefError);
    await expect(store().get('a/', 1)).rejects.toBeInstanceOf(InvalidSecretRefError);
    expect(requests.length).toBe(before);
  });

  it('wraps other failures without the token or the secret in the error', async () => {
    failNext = 503;
    const error = await store()
      .put('tenants/a/other', { password: 'hunter2' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretBackendError);
    expect((error as SecretBackendError).statusCode).toBe(503);
    expect((error as Error).message).toMatch(/Vault is sealed/);
    const serialised = JSON.stringify(error, Object.getOwnPropertyNames(error));
    expect(serialised).not.toContain('hunter2');
    expect(serialised).not.toContain(TOKEN);
  });

  it('pings with a token lookup-self, failing on a bad token', async () => {
    await expect(store().ping()).resolves.toMatchObject({ backend: 'vault', mount: 'kv' });
    await expect(store('wrong').ping()).rejects.toThrow(/HTTP 403.*permission denied/);
  });
});
