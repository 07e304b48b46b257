import { Topics, tenantResourceNames } from '@enclave/contracts';
import { exampleProducts } from '@enclave/product-catalog';
import { expectEventually } from '@enclave/testing';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { PlatformHarness } from './support/platform.harness';
import { TenantResources } from './support/tenant-resources';

jest.setTimeout(180_000);

const BIN = path.resolve(__dirname, '../../dist/tools/cli/src/main.js');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The `enclave` CLI as an operator runs it: the built binary (package.json `bin`), against the
 * running platform, judged by its output and exit codes.
 */
describe('enclave CLI', () => {
  const platform = new PlatformHarness();
  const resources = new TenantResources(platform.infra);
  const a = `cli-a-${platform.runId}`;
  const f = `cli-f-${platform.runId}`;
  let env: NodeJS.ProcessEnv;

  const enclave = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        BIN,
        args,
        { env: { ...env, ...extraEnv }, timeout: 150_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  const json = async (args: string[]) => {
    const run = await enclave([...args, '--json']);
    expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 0, stderr: '' });
    return JSON.parse(run.stdout);
  };

  beforeAll(async () => {
    expect(fs.statSync(BIN).mode & 0o111).not.toBe(0);
    await platform.start();
    env = {
      PATH: process.env.PATH,
      ENCLAVE_API_URL: platform.apps.get('tenant-registry')!.base,
      ENCLAVE_TOKEN: platform.adminToken,
    };
  }, 400_000);

  afterAll(async () => {
    await platform.stop();
    await resources.cleanUp([a, f]);
  });

  it('answers --help on every command and group, listing its commands', async () => {
    const seen: string[] = [];
    const visit = async (command: string[]): Promise<void> => {
      const run = await enclave([...command, '--help']);
      expect({ command, code: run.code }).toEqual({ command, code: 0 });
      expect(run.stdout).toMatch(/^Usage: enclave/);
      seen.push(command.join(' '));
      const listed = run.stdout.split('Commands:')[1] ?? '';
      const names = [...listed.matchAll(/^ {2}([a-z-]+)/gm)]
        .map((m) => m[1])
        .filter((n) => n !== 'help');
      for (const name of names) await visit([...command, name]);
    };
    await visit([]);
    expect(seen).toEqual(
      expect.arrayContaining([
        'tenants create',
        'services register',
        'services rotate',
        'services retry',
        'services offboard',
        'tenants offboard',
        'products publish',
        'rollouts start',
        'rollouts watch',
        'rollouts pause',
        'dead-letters list',
        'dead-letters show',
        'dead-letters replay',
        'dead-letters discard',
      ]),
    );
  });

  it('creates tenants (idempotently) and lists them; refusals end with a code that says why', async () => {
    const created = await json([
      'tenants',
      'create',
      a,
      '--name',
      'CLI tenant A',
      '--meta',
      'plan=gold',
    ]);
    expect(created).toMatchObject({
      id: a,
      displayName: 'CLI tenant A',
      metadata: { plan: 'gold' },
    });
    expect(
      (await enclave(['tenants', 'create', a, '--name', 'CLI tenant A', '--meta', 'plan=gold']))
        .code,
    ).toBe(0);
    const listed = await enclave(['tenants', 'list', '--limit', '500']);
    expect(listed.stdout).toMatch(new RegExp(`^${a}\\s+CLI tenant A\\s+active`, 'm'));

    const invalid = await enclave(['tenants', 'create', 'Not A Tenant!', '--name', 'x']);
    expect(invalid.code).toBe(3);
    expect(invalid.stderr).toMatch(/400/);
    const missing = await enclave(['tenants', 'show', `nobody-${platform.runId}`]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/404/);
    const conflicting = await enclave(['tenants', 'create', a, '--name', 'Someone else']);
    expect(conflicting.code).toBe(5);
    const anonymous = await enclave(['tenants', 'list'], { ENCLAVE_TOKEN: '' });
    expect(anonymous.code).toBe(6);
    const wrongToken = await enclave(['tenants', 'list', '--token', 'not-the-token']);
    expect(wrongToken.code).toBe(6);
    const unreachable = await enclave(['tenants', 'list', '--api-url', 'http://127.0.0.1:9']);
    expect(unreachable.code).toBe(9);
    expect(unreachable.stderr).toMatch(/cannot reach/);
    const usage = await enclave(['tenants', 'list', '--limit', 'many']);
    expect(usage.code).toBe(2);
    expect((await enclave(['services', 'register', a])).code).toBe(2);
    expect((await enclave([])).code).toBe(2);
  });

  it('registers a service with --wait: each stage shown as it completes, exit 0 once ready', async () => {
    const run = await enclave(['services', 'register', a, 'ledger', '--mode', 'SCHEMA', '--wait']);
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    // Not a TTY: each distinct progress block is written once, the last one all done.
    expect(run.stderr).toMatch(/… \w+\s+pending/);
    for (const stage of ['credentials', 'postgres', 'migrations', 'rabbitmq', 'mongodb'])
      expect(run.stderr).toMatch(new RegExp(`✓ ${stage}\\s+done \\d+ ms`));
    expect(run.stderr).toMatch(new RegExp(`${a}/ledger: ready`));
    expect(run.stdout).toMatch(/STATE\s+RETRIES[\s\S]*ready/);

    const status = await json(['services', 'status', a, 'ledger']);
    expect(status).toMatchObject({
      tenantId: a,
      product: 'ledger',
      isolationMode: 'SCHEMA',
      state: 'ready',
    });
    expect((await enclave(['services', 'retry', a, 'ledger'])).code).toBe(5);
  });

  it('issues, lists and revokes a product API token: printed once, then refused at the next call', async () => {
    const connection = (token: string) =>
      platform.api('GET', `/v1/products/ledger/tenants/${a}/connection`, undefined, token);
    const shown = await enclave([
      'products',
      'tokens',
      'issue',
      'ledger',
      '--ttl',
      '30d',
      '--name',
      'cli',
    ]);
    expect({ code: shown.code, stderr: shown.stderr }).toEqual({ code: 0, stderr: '' });
    expect(shown.stdout).toMatch(/shown this once/);
    const token = /^(ept_ledger\.\S+)$/m.exec(shown.stdout)![1];
    expect((await connection(token)).status).toBe(200);

    const listed = await json(['products', 'tokens', 'list', 'ledger']);
    const mine = listed.find((t: { name: string }) => t.name === 'cli');
    expect(mine).toMatchObject({ state: 'active', revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(token);
    const table = await enclave(['products', 'tokens', 'list', 'ledger']);
    expect(table.stdout).toMatch(new RegExp(`${mine.id}\\s+cli\\s+active`));

    expect(await json(['products', 'tokens', 'revoke', 'ledger', mine.id])).toMatchObject({
      id: mine.id,
      state: 'revoked',
    });
    const refused = await connection(token);
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/revoked/);
    expect((await enclave(['products', 'tokens', 'revoke', 'ledger'])).code).toBe(2);
    expect((await enclave(['products', 'tokens', 'issue', 'nope'])).code).toBe(4);
  });

  it('ends --wait on a registration that fails with exit 7 and the cause; retry --wait brings it to ready', async () => {
    const names = tenantResourceNames(f, 'tracer', 'DATABASE');
    await resources.createForeignDatabase(names.pgDatabase);
    await json(['tenants', 'create', f, '--name', 'CLI tenant F']);
    const failed = await enclave([
      'services',
      'register',
      f,
      'tracer',
      '--mode',
      'DATABASE',
      '--wait',
    ]);
    expect(failed.code).toBe(7);
    expect(failed.stderr).toMatch(/✗ postgres\s+failed/);
    expect(failed.stderr).toMatch(
      new RegExp(`enclave: ${f}/tracer failed: postgres: .*(owned by|already exists|foreign)`, 'i'),
    );

    const failedJson = await enclave(['services', 'status', f, 'tracer', '--json']);
    expect(JSON.parse(failedJson.stdout).state).toBe('failed');

    await resources.dropForeignDatabase(names.pgDatabase);
    const retried = await enclave(['services', 'retry', f, 'tracer', '--wait', '--json']);
    expect({ code: retried.code, stderr: retried.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(retried.stdout)).toMatchObject({ state: 'ready', retries: 1 });
  });

  it('rotates with --wait, suspends and resumes, and offboards with --wait', async () => {
    const rotated = await json(['services', 'rotate', a, 'ledger', '--wait']);
    expect(rotated.rotation).toMatchObject({ state: 'done' });

    const suspended = await json(['tenants', 'suspend', a, '--reason', 'unpaid invoice']);
    expect(suspended).toMatchObject({ status: 'suspended', statusReason: 'unpaid invoice' });
    expect((await enclave(['tenants', 'suspend', a])).code).toBe(2);
    expect(await json(['tenants', 'resume', a])).toMatchObject({ status: 'active' });

    const offboarded = await json(['services', 'offboard', f, 'tracer', '--wait']);
    expect(offboarded.state).toBe('deleted');
    expect(
      await resources.databaseOwner(tenantResourceNames(f, 'tracer', 'DATABASE').pgDatabase),
    ).toBeUndefined();

    // The whole tenant: its only registration is already released, so it is deleted at once.
    const gone = await json(['tenants', 'offboard', f, '--reason', 'cli test', '--wait']);
    expect(gone).toMatchObject({ id: f, status: 'deleted', offboardReason: 'cli test' });
    const refused = await enclave(['tenants', 'suspend', f, '--reason', 'too late']);
    expect(refused.code).toBe(5); // conflict: a deleted tenant cannot be suspended
  });

  it('publishes a product version from a manifest and watches its rollout to the end', async () => {
    const next = structuredClone(exampleProducts.get('ledger')!);
    next.version = '1.0.1';
    next.resources.postgres!.migrations.push({
      version: 50,
      name: 'cli-notes',
      sql: 'CREATE TABLE cli_notes (id uuid PRIMARY KEY)',
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'enclave-cli-'));
    const manifest = path.join(dir, 'ledger.json');
    fs.writeFileSync(manifest, JSON.stringify(next));
    const published = await enclave([
      'products',
      'publish',
      'ledger',
      next.version,
      '--manifest',
      manifest,
    ]);
    expect({
      code: published.code,
      stdout: published.stdout,
      stderr: published.stderr,
    }).toMatchObject({
      code: 0,
      stderr: '',
      stdout: expect.stringMatching(/^published ledger@1\.0\.1 /),
    });
    // A manifest the registry refuses: exit 3, and stderr names the field and why.
    const invalid = structuredClone(next);
    invalid.version = '1.0.2';
    invalid.resources.postgres!.migrations.at(-1)!.name = 'cli_notes';
    fs.writeFileSync(path.join(dir, 'invalid.json'), JSON.stringify(invalid));
    const refused = await enclave([
      'products',
      'publish',
      'ledger',
      '1.0.2',
      '--manifest',
      path.join(dir, 'invalid.json'),
    ]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(
      /400 Validation failed: resources\.postgres\.migrations\.10\.name: /,
    );
    const badManifest = await enclave([
      'products',
      'publish',
      'ledger',
      '1.0.2',
      '--manifest',
      path.join(dir, 'none.json'),
    ]);
    expect(badManifest.code).toBe(2);

    const watched = await enclave([
      'rollouts',
      'start',
      'ledger',
      next.version,
      '--canary-count',
      '1',
      '--watch',
    ]);
    expect({ code: watched.code, stderr: watched.stderr.slice(-2_000) }).toMatchObject({ code: 0 });
    expect(watched.stderr).toMatch(/\[#+-*\] \d+\/\d+/);
    expect(watched.stdout).toMatch(/completed/);
    expect(watched.stdout).toMatch(/\[#{30}\] 1\/1\s+done 1/);
    const listed = await json(['rollouts', 'list', 'ledger']);
    expect(listed[0]).toMatchObject({ targetVersion: next.version, state: 'completed' });
    expect((await enclave(['rollouts', 'pause', 'ledger', listed[0].id])).code).toBe(5);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists a poison event as a dead letter with its cause, replays it (once: exit 5 after) and discards it', async () => {
    const tenant = `cli-dl-${platform.runId}`;
    // A rotation request whose payload breaks its contract: the credential-service can never handle
    // it and dead-letters it with the reason.
    const producer = platform.kafka.producer();
    await producer.connect();
    const eventId = randomUUID();
    await producer.send({
      topic: platform.topic(Topics.CredentialsRotationRequested),
      messages: [
        {
          key: `${tenant}/ledger`,
          value: JSON.stringify({
            id: eventId,
            type: 'CredentialsRotationRequested',
            version: 1,
            tenantId: tenant,
            correlationId: randomUUID(),
            causationId: null,
            occurredAt: new Date().toISOString(),
            producer: 'cli-e2e',
            payload: { tenantId: tenant },
          }),
        },
      ],
    });
    await producer.disconnect();
    const openLetters = () =>
      expectEventually(
        async () => {
          const page = await json(['dead-letters', 'list', '--tenant', tenant]);
          expect(page.items).toHaveLength(1);
          return page.items[0];
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
    const letter = await openLetters();
    expect(letter).toMatchObject({
      status: 'open',
      sourceTopic: Topics.CredentialsRotationRequested,
      eventId,
      error: 'EventDecodeError',
      cause: expect.stringContaining('CredentialsRotationRequested v1'),
    });
    const listed = await enclave([
      'dead-letters',
      'list',
      '--topic',
      Topics.CredentialsRotationRequested,
    ]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(letter.id);
    const shown = await enclave(['dead-letters', 'show', letter.id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`"id": "${eventId}"`);

    // Nothing was fixed, so the replay fails again and comes back as a new letter.
    const replayed = await enclave(['dead-letters', 'replay', letter.id, '--reason', 'cli e2e']);
    expect({ code: replayed.code, stdout: replayed.stdout }).toEqual({
      code: 0,
      stdout: expect.stringMatching(/replayed at .* by bootstrap: cli e2e/),
    });
    expect((await enclave(['dead-letters', 'replay', letter.id, '--reason', 'again'])).code).toBe(
      5,
    );
    const again = await expectEventually(
      async () => {
        const page = await json(['dead-letters', 'list', '--tenant', tenant]);
        expect(page.items).toHaveLength(1);
        expect(page.items[0].id).not.toBe(letter.id);
        return page.items[0];
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(again.eventId).toBe(eventId);

    const discarded = await json([
      'dead-letters',
      'discard',
      again.id,
      '--reason',
      'malformed test event',
    ]);
    expect(discarded).toMatchObject({
      status: 'discarded',
      resolution: { by: { kind: 'operator', name: 'bootstrap' }, reason: 'malformed test event' },
    });
    expect((await json(['dead-letters', 'list', '--tenant', tenant])).items).toEqual([]);
    const decided = await json([
      'dead-letters',
      'list',
      '--tenant',
      tenant,
      '--status',
      'discarded',
    ]);
    expect(decided.items.map((i: { id: string }) => i.id)).toEqual([again.id]);
    expect((await enclave(['dead-letters', 'show', randomUUID()])).code).toBe(4);
  });
});
