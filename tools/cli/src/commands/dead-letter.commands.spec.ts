import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { runCli } from '../cli.program';
import { ExitCode } from '../exit-code';
import { describeDeadLetter, describeDeadLetters } from './dead-letter.commands';

const ID = '3f1b7c1e-0d6a-4a8e-9a51-0c7e2f4b5d6a';
const letter = {
  id: ID,
  status: 'open',
  sourceTopic: 'enclave.tenant.created',
  consumerGroup: 'enclave.fixture-gated',
  eventId: 'b7a8c1d2-1111-4222-8333-944455556666',
  eventType: 'TenantCreated',
  tenantId: 'acme',
  error: 'PreconditionMissing',
  cause: 'tenant acme is not in gated_allowed',
  attempts: 1,
  failedAt: '2026-12-05T12:00:00.000Z',
  resolution: null,
} as const;

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

describe('enclave dead-letters', () => {
  let api: Awaited<ReturnType<typeof fakeRegistry>>;
  let answer: (seen: Seen) => [number, unknown];

  beforeEach(async () => {
    answer = () => [200, { items: [letter], next: null }];
    api = await fakeRegistry((seen) => answer(seen));
  });
  afterEach(() => api.close());

  it('lists open letters by default, with the filters asked for, as a table', async () => {
    const { code, stdout } = await enclave(
      api.url,
      'dead-letters',
      'list',
      '--topic',
      'enclave.tenant.created',
      '--tenant',
      'acme',
    );
    expect(code).toBe(ExitCode.Ok);
    expect(api.seen[0]).toMatchObject({
      method: 'GET',
      url: '/v1/dead-letters?status=open&limit=100&topic=enclave.tenant.created&tenantId=acme',
      authorization: 'Bearer tok',
    });
    expect(stdout).toContain('ID');
    expect(stdout).toContain('tenant acme is not in gated_allowed');
  });

  it('prints the page as JSON with --json', async () => {
    const { code, stdout } = await enclave(api.url, '--json', 'dead-letters', 'list');
    expect(code).toBe(ExitCode.Ok);
    expect(JSON.parse(stdout)).toEqual({ items: [letter], next: null });
  });

  it('refuses an unknown status before calling the platform (usage, 2)', async () => {
    const { code } = await enclave(api.url, 'dead-letters', 'list', '--status', 'lost');
    expect(code).toBe(ExitCode.Usage);
    expect(api.seen).toEqual([]);
  });

  it('replays and discards with the reason, and says who decided', async () => {
    answer = ({ url }) => [
      200,
      {
        ...letter,
        status: url.endsWith('/replay') ? 'replayed' : 'discarded',
        resolution: {
          at: '2026-12-05T12:05:00.000Z',
          by: { kind: 'operator', name: 'operator' },
          reason: 'fixed',
        },
      },
    ];
    const replay = await enclave(api.url, 'dead-letters', 'replay', ID, '--reason', 'fixed');
    expect(replay.code).toBe(ExitCode.Ok);
    expect(api.seen[0]).toMatchObject({
      method: 'POST',
      url: `/v1/dead-letters/${ID}/replay`,
      body: { reason: 'fixed' },
    });
    expect(replay.stdout).toContain(
      `dead letter ${ID}: replayed at 2026-12-05T12:05:00.000Z by operator: fixed`,
    );
    const discard = await enclave(api.url, 'dead-letters', 'discard', ID, '--reason', 'fixed');
    expect(discard.code).toBe(ExitCode.Ok);
    expect(api.seen[1].url).toBe(`/v1/dead-letters/${ID}/discard`);
  });

  it('needs a reason to replay (usage, 2)', async () => {
    const { code } = await enclave(api.url, 'dead-letters', 'replay', ID);
    expect(code).toBe(ExitCode.Usage);
    expect(api.seen).toEqual([]);
  });

  it('exits 5 when the letter was already decided, 4 when there is none', async () => {
    answer = () => [409, { statusCode: 409, message: `dead letter ${ID} was already replayed` }];
    const twice = await enclave(api.url, 'dead-letters', 'replay', ID, '--reason', 'again');
    expect(twice.code).toBe(ExitCode.Conflict);
    expect(twice.stderr).toContain('already replayed');
    answer = () => [404, { statusCode: 404, message: 'no dead letter' }];
    expect((await enclave(api.url, 'dead-letters', 'show', ID)).code).toBe(ExitCode.NotFound);
  });

  it('answers --help on the group', async () => {
    const help = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await runCli(['node', 'enclave', 'dead-letters', 'replay', '--help'])).toBe(
        ExitCode.Ok,
      );
      expect(help.mock.calls.join('')).toContain('--reason <text>');
    } finally {
      help.mockRestore();
    }
  });
});

describe('dead-letter output', () => {
  it('says where the next page starts', () => {
    expect(describeDeadLetters({ items: [letter], next: '42' })).toMatch(/more: --after 42$/);
    expect(describeDeadLetters({ items: [], next: null })).toBe('no dead letters');
  });

  it('shows one letter with its decision and the event, or the raw text of a non-JSON one', () => {
    const detail = {
      ...letter,
      status: 'discarded' as const,
      resolution: { at: 'T', by: { kind: 'operator', name: 'operator' }, reason: 'obsolete' },
      source: { partition: 2, offset: '41' },
      key: 'acme',
      headers: {},
      envelope: { id: letter.eventId, payload: { tenantId: 'acme' } },
    };
    const text = describeDeadLetter(detail);
    expect(text).toContain('enclave.tenant.created (partition 2, offset 41)');
    expect(text).toContain('decision  discarded at T by operator: obsolete');
    expect(text).toContain('"tenantId": "acme"');
    expect(describeDeadLetter({ ...detail, envelope: null, raw: 'not json {' })).toMatch(
      /not json \{$/,
    );
  });
});
