import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { runCli } from '../cli.program';
import { ExitCode } from '../exit-code';

const registration = {
  id: '3f1b7c1e-0d6a-4a8e-9a51-0c7e2f4b5d6a',
  tenantId: 'acme',
  product: 'ledger',
  productVersion: '1.0.0',
  isolationMode: 'SCHEMA',
  state: 'ready',
  retries: 0,
  conditions: [],
  rotation: null,
  limits: { postgres: { connectionLimit: 5 }, rabbitmq: { maxQueues: 40 } },
  limitsRevision: 2,
};

interface Seen {
  method: string;
  url: string;
  body: unknown;
  authorization?: string;
}

/** A stand-in admin API: records each request and answers what the test says. */
async function fakeRegistry(answer: (seen: Seen) => [number, unknown]) {
  const seen: Seen[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const request = {
        method: req.method!,
        url: req.url!,
        body: text ? JSON.parse(text) : undefined,
        authorization: req.headers.authorization,
      };
      seen.push(request);
      const [status, body] = answer(request);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { seen, url, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Runs the CLI as `enclave …args`, capturing what it prints. */
async function enclave(url: string, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += chunk.toString();
    return true;
  });
  try {
    const code = await runCli(
      ['node', 'enclave', '--api-url', url, '--token', 'tok', ...args],
      sink((s) => (stderr += s)),
      sink((s) => (stdout += s)),
    );
    return { code, stdout, stderr };
  } finally {
    write.mockRestore();
  }
}

describe('enclave services limits', () => {
  let api: Awaited<ReturnType<typeof fakeRegistry>>;

  beforeEach(async () => {
    api = await fakeRegistry(() => [202, registration]);
  });
  afterEach(() => api.close());

  it('puts the limits named, whole, and shows them with their revision', async () => {
    const { code, stdout } = await enclave(
      api.url,
      'services',
      'limits',
      'acme',
      'ledger',
      '--pg-connection-limit',
      '5',
      '--rabbitmq-max-queues',
      '40',
    );
    expect(code).toBe(ExitCode.Ok);
    expect(api.seen).toEqual([
      expect.objectContaining({
        method: 'PUT',
        url: '/v1/tenants/acme/services/ledger/limits',
        body: { postgres: { connectionLimit: 5 }, rabbitmq: { maxQueues: 40 } },
      }),
    ]);
    expect(stdout).toContain('limits (revision 2): postgres connections 5, rabbitmq queues 40');
  });

  it('resets every limit only when told to with --defaults', async () => {
    const none = await enclave(api.url, 'services', 'limits', 'acme', 'ledger');
    expect(none.code).toBe(ExitCode.Usage);
    expect(none.stderr).toMatch(/at least one limit, or --defaults/);
    const both = await enclave(
      api.url,
      'services',
      'limits',
      'acme',
      'ledger',
      '--defaults',
      '--pg-statement-timeout-ms',
      '500',
    );
    expect(both.code).toBe(ExitCode.Usage);
    expect(api.seen).toEqual([]);

    expect(
      (await enclave(api.url, 'services', 'limits', 'acme', 'ledger', '--defaults')).code,
    ).toBe(ExitCode.Ok);
    expect(api.seen.map((s) => s.body)).toEqual([{}]);
  });

  it('refuses a limit that is not a whole number before asking; the platform judges the bounds', async () => {
    const bad = await enclave(
      api.url,
      'services',
      'limits',
      'acme',
      'ledger',
      '--pg-connection-limit',
      '2.5',
    );
    expect(bad.code).toBe(ExitCode.Usage);
    expect(api.seen).toEqual([]);

    api.close();
    api = await fakeRegistry(() => [
      400,
      { statusCode: 400, message: 'limits.postgres.connectionLimit: too big' },
    ]);
    const refused = await enclave(
      api.url,
      'services',
      'limits',
      'acme',
      'ledger',
      '--pg-connection-limit',
      '5000',
    );
    expect(refused.code).toBe(ExitCode.Rejected);
  });

  it('registers with the limits named', async () => {
    const { code } = await enclave(
      api.url,
      'services',
      'register',
      'acme',
      'ledger',
      '--rabbitmq-max-connections',
      '3',
      '--pg-statement-timeout-ms',
      '800',
    );
    expect(code).toBe(ExitCode.Ok);
    expect(api.seen[0]).toMatchObject({
      method: 'POST',
      url: '/v1/tenants/acme/services',
      body: {
        product: 'ledger',
        limits: { postgres: { statementTimeoutMs: 800 }, rabbitmq: { maxConnections: 3 } },
      },
    });
  });
});
