import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCli } from '../cli.program';
import { ExitCode } from '../exit-code';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly auth?: string;
  readonly body: string;
}

/** The admin API as far as these commands use it: records each request, answers `reply`. */
async function fakeRegistry(reply: (seen: Seen) => [number, unknown]) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const request = { method: req.method!, url: req.url!, auth: req.headers.authorization, body };
      seen.push(request);
      const [status, answer] = reply(request);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { seen, url, close: () => new Promise((resolve) => server.close(resolve)) };
}

const token = {
  id: '8a7c6f2e-0b1d-4c3e-9f00-000000000001',
  product: 'ledger',
  name: 'eu',
  state: 'active',
  createdAt: '2026-12-05T12:00:00.000Z',
  expiresAt: '2027-03-05T12:00:00.000Z',
  revokedAt: null,
};

describe('enclave products tokens', () => {
  let stdout: string[];
  let stderr: string[];
  const run = (url: string, ...args: string[]) =>
    runCli(['node', 'enclave', '--api-url', url, '--token', 'op', ...args], {
      write: (s: string) => stderr.push(s),
    } as unknown as NodeJS.WritableStream);

  beforeEach(() => {
    stdout = [];
    stderr = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((s) => {
      stdout.push(String(s));
      return true;
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('issues a token with a ttl and a name, and prints it once with a warning', async () => {
    const api = await fakeRegistry(() => [201, { ...token, token: 'ept_ledger.SECRET' }]);
    try {
      expect(
        await run(api.url, 'products', 'tokens', 'issue', 'ledger', '--ttl', '30d', '--name', 'eu'),
      ).toBe(ExitCode.Ok);
      expect(api.seen).toEqual([
        {
          method: 'POST',
          url: '/v1/products/ledger/tokens',
          auth: 'Bearer op',
          body: JSON.stringify({ ttlSeconds: 30 * 86_400, name: 'eu' }),
        },
      ]);
      const printed = stdout.join('');
      expect(printed).toContain('shown this once');
      expect(printed).toContain('ept_ledger.SECRET');
    } finally {
      await api.close();
    }
  });

  it('refuses a ttl it cannot read or over a year before calling the platform', async () => {
    const api = await fakeRegistry(() => [500, {}]);
    try {
      for (const ttl of ['0', '366d', '1w', '-5'])
        expect(await run(api.url, 'products', 'tokens', 'issue', 'ledger', '--ttl', ttl)).toBe(
          ExitCode.Usage,
        );
      expect(api.seen).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it('lists tokens as a table, and as JSON with --json', async () => {
    const api = await fakeRegistry(() => [200, [token]]);
    try {
      expect(await run(api.url, 'products', 'tokens', 'list', 'ledger')).toBe(ExitCode.Ok);
      const [header, row] = stdout.join('').trim().split('\n');
      expect(header.split(/\s+/)).toEqual(['ID', 'NAME', 'STATE', 'CREATED', 'EXPIRES', 'REVOKED']);
      expect(row.split(/\s+/)).toEqual([
        token.id,
        'eu',
        'active',
        token.createdAt,
        token.expiresAt,
        '-',
      ]);
      stdout = [];
      expect(await run(api.url, '--json', 'products', 'tokens', 'list', 'ledger')).toBe(
        ExitCode.Ok,
      );
      expect(JSON.parse(stdout.join(''))).toEqual([token]);
    } finally {
      await api.close();
    }
  });

  it('revokes one token, or all with --all, and needs exactly one of them', async () => {
    const api = await fakeRegistry(({ url }) =>
      url.endsWith('/tokens/revoke')
        ? [200, { product: 'ledger', revoked: 3 }]
        : url.includes('/nope/')
          ? [404, { message: 'nope has no API token x' }]
          : [200, { ...token, state: 'revoked', revokedAt: '2026-12-05T13:00:00.000Z' }],
    );
    try {
      expect(await run(api.url, 'products', 'tokens', 'revoke', 'ledger', token.id)).toBe(
        ExitCode.Ok,
      );
      expect(stdout.join('')).toContain(`revoked token ${token.id} of ledger`);
      expect(await run(api.url, 'products', 'tokens', 'revoke', 'ledger', '--all')).toBe(
        ExitCode.Ok,
      );
      expect(stdout.join('')).toContain('revoked 3 token(s) of ledger');
      expect(api.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
        `POST /v1/products/ledger/tokens/${token.id}/revoke`,
        'POST /v1/products/ledger/tokens/revoke',
      ]);
      expect(await run(api.url, 'products', 'tokens', 'revoke', 'ledger')).toBe(ExitCode.Usage);
      expect(await run(api.url, 'products', 'tokens', 'revoke', 'ledger', token.id, '--all')).toBe(
        ExitCode.Usage,
      );
      expect(await run(api.url, 'products', 'tokens', 'revoke', 'nope', token.id)).toBe(
        ExitCode.NotFound,
      );
      expect(stderr.join('')).toContain('nope has no API token');
    } finally {
      await api.close();
    }
  });
});
