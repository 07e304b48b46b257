import { AddressInfo } from 'node:net';
import http from 'node:http';
import { RabbitMqApiError } from './rabbitmq-api.error';
import { RabbitMqManagementClient } from './rabbitmq-management.client';

interface Seen {
  method: string;
  rawUrl: string;
  authorization?: string;
  body: string;
}

/** A stand-in management API: answers what `reply` says and records what it was sent. */
async function fakeApi(
  reply: (seen: Seen) => { status: number; body?: unknown; delayMs?: number },
) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        rawUrl: req.url ?? '',
        authorization: req.headers.authorization,
        body,
      };
      seen.push(request);
      const { status, body: payload, delayMs = 0 } = reply(request);
      setTimeout(() => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(payload === undefined ? '' : JSON.stringify(payload));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://admin:s%40cret-admin@127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('RabbitMqManagementClient', () => {
  it('sends basic auth from the URL, encodes names, and never puts credentials in the URL', async () => {
    const api = await fakeApi(() => ({ status: 201 }));
    try {
      const client = new RabbitMqManagementClient(api.url);
      await client.putVhost('/', { description: 'd', tags: ['enclave'] });
      await client.putPermissions('a/b c', 'us%er', { configure: '.*', write: '.*', read: '.*' });
      await client.bindQueue('v', 'ex.1', 'q#1', 'a.*');
      await client.putVhostLimits('t/1', { 'max-connections': 5, 'max-queues': 6 });
      expect(api.seen.map((s) => `${s.method} ${s.rawUrl}`)).toEqual([
        'PUT /api/vhosts/%2F',
        'PUT /api/permissions/a%2Fb%20c/us%25er',
        'POST /api/bindings/v/e/ex.1/q/q%231',
        'PUT /api/parameters/vhost-limits/t%2F1/limits',
      ]);
      expect(JSON.parse(api.seen[3].body)).toEqual({
        value: { 'max-connections': 5, 'max-queues': 6 },
      });
      expect(api.seen[0].authorization).toBe(
        `Basic ${Buffer.from('admin:s@cret-admin').toString('base64')}`,
      );
      expect(JSON.parse(api.seen[0].body)).toEqual({ description: 'd', tags: 'enclave' });
      expect(JSON.parse(api.seen[2].body)).toEqual({ routing_key: 'a.*', arguments: {} });
    } finally {
      await api.close();
    }
  });

  it('keeps a path prefix of the management URL', async () => {
    const api = await fakeApi(() => ({ status: 404 }));
    try {
      expect(
        await new RabbitMqManagementClient(`${api.url}/rabbitmq`).getVhost('v'),
      ).toBeUndefined();
      expect(api.seen[0].rawUrl).toBe('/rabbitmq/api/vhosts/v');
    } finally {
      await api.close();
    }
  });

  it('reads 404 as absent and normalises tags', async () => {
    const api = await fakeApi((s) =>
      s.rawUrl.endsWith('/there')
        ? {
            status: 200,
            body: {
              name: 'there',
              description: 'x',
              tags: 'a,b',
              password_hash: 'h',
              hashing_algorithm: 'alg',
            },
          }
        : { status: 404, body: { error: 'Object Not Found', reason: 'Not Found' } },
    );
    try {
      const client = new RabbitMqManagementClient(api.url);
      expect(await client.getVhost('gone')).toBeUndefined();
      expect(await client.getUser('there')).toEqual({
        name: 'there',
        tags: ['a', 'b'],
        passwordHash: 'h',
        hashingAlgorithm: 'alg',
      });
      expect(await client.listUserPermissions('gone')).toEqual([]);
      expect(await client.deleteVhost('gone')).toBe(false);
    } finally {
      await api.close();
    }
  });

  it.each([
    [400, false],
    [405, false],
    [413, false],
    [401, true],
    [403, true],
    [404, true],
    [409, true],
    [429, true],
    [500, true],
    [503, true],
  ])('maps %i to retryable=%s', async (status, retryable) => {
    const api = await fakeApi(() => ({
      status,
      body: { error: 'e', reason: `because ${status}` },
    }));
    try {
      const error = await new RabbitMqManagementClient(api.url)
        .putQueue('v', 'q', {})
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RabbitMqApiError);
      expect(error).toMatchObject({
        status,
        reason: `because ${status}`,
        retryable,
        method: 'PUT',
        path: 'queues/v/q',
      });
    } finally {
      await api.close();
    }
  });

  it('repeats a user PUT that lost the create race, which then updates', async () => {
    let calls = 0;
    const api = await fakeApi(() =>
      ++calls === 1
        ? { status: 400, body: { error: 'bad_request', reason: ['user_already_exists', 'u'] } }
        : { status: 204 },
    );
    try {
      await new RabbitMqManagementClient(api.url).putUser('u', { password: 'p', tags: [] });
      expect(api.seen.map((s) => `${s.method} ${s.rawUrl}`)).toEqual([
        'PUT /api/users/u',
        'PUT /api/users/u',
      ]);
    } finally {
      await api.close();
    }
  });

  it.each([
    // A crash inside the broker.
    "Request to node rabbit@localhost failed with {'EXIT', {{badmatch, {error, {queue_supervisor_not_found, []}}}}}",
    // A declaration in a vhost still starting (seen in CI: a queue PUT racing the vhost's creation).
    "Cannot declare a queue 'queue 'q' in vhost 'v'' on node 'rabbit@localhost': {vhost_supervisor_not_running,<<\"v\">>}",
  ])(
    'reads a 400 that is the broker’s state, not the request’s fault, as transient: %s',
    async (reason) => {
      const api = await fakeApi(() => ({ status: 400, body: { error: 'bad_request', reason } }));
      try {
        const error = await new RabbitMqManagementClient(api.url)
          .putQueue('v', 'q', {})
          .catch((e: unknown) => e);
        expect(error).toMatchObject({ status: 400, retryable: true });
      } finally {
        await api.close();
      }
    },
  );

  it('renders Erlang-term reasons and scrubs every password from errors', async () => {
    const term = [
      'amqp_error',
      'command_invalid',
      [...'unknown type, pw hunter2-pw'].map((c) => c.charCodeAt(0)),
      'none',
    ];
    const api = await fakeApi((s) =>
      s.rawUrl.includes('users')
        ? { status: 400, body: { reason: term } }
        : { status: 400, body: { reason: 'admin s@cret-admin' } },
    );
    try {
      const client = new RabbitMqManagementClient(api.url);
      const userError = (await client
        .putUser('u', { password: 'hunter2-pw', tags: [] })
        .catch((e: unknown) => e)) as Error;
      expect(userError.message).toContain('amqp_error command_invalid unknown type, pw ***');
      expect(userError.message).not.toContain('hunter2');
      const adminError = (await client
        .putExchange('v', 'e', 'topic')
        .catch((e: unknown) => e)) as Error;
      expect(adminError.message).not.toContain('s@cret-admin');
      expect(`${String(adminError.stack)}`).not.toContain('s@cret-admin');
    } finally {
      await api.close();
    }
  });

  it('times out slow calls and reports unreachable servers as transient, with their code', async () => {
    const api = await fakeApi(() => ({ status: 201, delayMs: 500 }));
    try {
      const slow = await new RabbitMqManagementClient(api.url, { timeoutMs: 50 })
        .putVhost('v', { description: '', tags: [] })
        .catch((e: unknown) => e);
      expect(slow).toMatchObject({ code: 'ETIMEDOUT', retryable: true, status: undefined });
    } finally {
      await api.close();
    }
    const closed = await fakeApi(() => ({ status: 200 }));
    await closed.close();
    const refused = await new RabbitMqManagementClient(closed.url)
      .getVhost('v')
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'ECONNREFUSED', retryable: true });
    expect((refused as Error).message).not.toContain('s@cret-admin');
  });

  it('does not echo a malformed management URL, which would carry the password', () => {
    expect(() => new RabbitMqManagementClient('http://admin:s3cret@[bad')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cret') }),
    );
  });

  it('refuses names that URL parsing would resolve away', async () => {
    const client = new RabbitMqManagementClient('http://admin:pw@127.0.0.1:1');
    await expect(client.getVhost('..')).rejects.toThrow(/cannot be a RabbitMQ API path segment/);
    await expect(client.getVhost('')).rejects.toThrow(/cannot be a RabbitMQ API path segment/);
  });
});
