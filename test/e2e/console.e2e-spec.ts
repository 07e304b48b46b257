import { ProductManifest, tenantResourceNames } from '@enclave/contracts';
import { exampleProducts } from '@enclave/product-catalog';
import { ServiceProcess, expectEventually } from '@enclave/testing';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BrowserContext, Page, chromium } from 'playwright-core';
import { PlatformHarness } from './support/platform.harness';
import { TenantResources } from './support/tenant-resources';

jest.setTimeout(240_000);

const CHROMIUM = '/usr/bin/chromium';
// A stage with a precondition an operator can fix (the dead-letters integration suite's fixture):
// it dead-letters a TenantCreated whose tenant is not in public.gated_allowed.
const GATED_ENTRY = 'test/integration/tenant-registry/fixtures/gated-stage.main.ts';
const SHOTS = path.resolve(__dirname, '../../docs/console');
// Without the background-networking flags Chromium waits on services this closed network lacks.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** ledger 1.1.0: one more table, for a rollout every ledger tenant can take. */
function ledger110(): ProductManifest {
  const next = structuredClone(exampleProducts.get('ledger')!);
  next.version = '1.1.0';
  next.resources.postgres!.migrations.push({
    version: 11,
    name: 'statements',
    sql: 'CREATE TABLE statements (id uuid PRIMARY KEY)',
  });
  return next;
}

/**
 * The operator console in a real headless Chromium against the real platform: an operator logs in,
 * registers a tenant and watches it reach Ready without a reload, sees a failed registration's
 * cause and retries it, and follows a rollout. Screenshots of the main pages go to docs/console/.
 */
describe('operator console (browser)', () => {
  const platform = new PlatformHarness();
  const resources = new TenantResources(platform.infra);
  const ready = `con-r-${platform.runId}`;
  const failing = `con-f-${platform.runId}`;
  const poisoned = `con-dl-${platform.runId}`;
  const discarded = `con-dd-${platform.runId}`;
  let console_: ServiceProcess;
  let gated: ServiceProcess;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  // What the browser refused under the console's Content-Security-Policy, over the whole run.
  const violations: string[] = [];

  const shot = (name: string) =>
    page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const stateOf = (service: string) =>
    page.locator(`section[data-product="${service}"] h2 .state`).getAttribute('data-state');

  beforeAll(async () => {
    expect(fs.existsSync(CHROMIUM)).toBe(true);
    await platform.start();
    // The console is no stage: the test starts it beside the harness's platform (+7 of the slot).
    const port = platform.basePort + 7;
    base = `http://127.0.0.1:${port}`;
    console_ = new ServiceProcess('apps/operator-console/src/main.ts', {
      HTTP_PORT: String(port),
      LOG_LEVEL: 'warn',
      REGISTRY_URL: platform.apps.get('tenant-registry')!.base,
      CONSOLE_SESSION_KEY: randomBytes(32).toString('hex'),
      METRICS_TOKEN: platform.metricsToken,
      PLATFORM_APPS: [...platform.apps].map(([name, app]) => `${name}=${app.base}`).join(','),
    }).start();
    // The gated stage handles every tenant of this test but the two dead-letter ones.
    await platform.platformQuery('CREATE TABLE public.gated_allowed (tenant_id text PRIMARY KEY)');
    await platform.platformQuery(`CREATE TABLE public.gated_effects (
      id bigserial PRIMARY KEY, event_id uuid NOT NULL, tenant_id text NOT NULL, service text NOT NULL)`);
    await platform.platformQuery('INSERT INTO public.gated_allowed (tenant_id) VALUES ($1), ($2)', [
      ready,
      failing,
    ]);
    gated = new ServiceProcess(GATED_ENTRY, {
      ...platform.appEnv(platform.basePort + 8),
      FIXTURE_SERVICE: 'fixture-gated',
    }).start();
    await console_.waitForHttp(`${base}/health/ready`, 120_000);
    await gated.waitForHttp(`http://127.0.0.1:${platform.basePort + 8}/health/ready`, 180_000);
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'enclave-console-chromium-'));
    // A fresh profile each run: nothing from an earlier session (cookies, cache) leaks in.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 860 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    // Every document reports what the browser refused under the policy (an init script and a
    // binding come through DevTools, which the page's own policy does not govern).
    await context.exposeBinding('reportCspViolation', (_source, violation: string) => {
      violations.push(violation);
    });
    await context.addInitScript({
      content: `document.addEventListener('securitypolicyviolation', (event) =>
        globalThis.reportCspViolation(event.effectiveDirective + ' ' + event.blockedURI));`,
    });
    fs.mkdirSync(SHOTS, { recursive: true });
  }, 400_000);

  afterAll(async () => {
    await context?.close();
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
    await console_?.stop();
    await gated?.stop();
    await platform.stop();
    await resources.cleanUp([ready, failing]);
  });

  it('refuses a wrong token, logs in with an operator token into an httpOnly, SameSite=Strict session', async () => {
    // Without a session the console forwards nothing.
    expect((await fetch(`${base}/api/registry/v1/products`)).status).toBe(401);

    const served = await page.goto(base);
    // A strict policy: scripts from the console and its import map's hash only, no framing.
    const headers = served!.headers();
    expect(headers['content-security-policy']).toMatch(
      /^default-src 'none'; script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'; style-src 'self'; .*frame-ancestors 'none'$/,
    );
    expect(headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    });
    // The API's answers carry them too.
    expect(
      (await fetch(`${base}/api/registry/v1/products`)).headers.get('x-content-type-options'),
    ).toBe('nosniff');
    await page.fill('input[name=token]', 'not-an-operator-token');
    await page.click('button[type=submit]');
    await page.getByRole('alert').getByText('The registry refused this token.').waitFor();
    expect(await context.cookies()).toEqual([]);
    await shot('login');

    await page.fill('input[name=token]', platform.adminToken);
    await page.click('button[type=submit]');
    await page.getByRole('link', { name: 'ledger' }).waitFor();
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'enclave_console', httpOnly: true, sameSite: 'Strict' });
    // The token itself never reaches the browser: the cookie is sealed.
    expect(cookie.value).not.toContain(platform.adminToken);
    // A change without the console's own header (a cross-site form could send the cookie) is refused.
    const forged = await fetch(`${base}/api/registry/v1/tenants`, {
      method: 'POST',
      headers: { cookie: `${cookie.name}=${cookie.value}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'forged-x', displayName: 'x' }),
    });
    expect(forged.status).toBe(403);
  });

  it('registers a tenant through the console and shows it reach Ready without a reload', async () => {
    await page.goto(`${base}/#/products/ledger`);
    await page.fill('form[aria-label=register] input[name=tenantId]', ready);
    await page.click('form[aria-label=register] button[type=submit]');
    await page.waitForURL(`**/#/tenants/${ready}`);
    // Marks this document: a reload would make a new one without the mark.
    await page.evaluate(() => ((globalThis as unknown as { mark: string }).mark = 'same document'));
    const seen = new Set<string | null>();
    await expectEventually(
      async () => {
        seen.add(await stateOf('ledger'));
        expect(seen).toContain('ready');
      },
      { timeoutMs: 90_000, intervalMs: 50 },
    );
    // It showed provisioning first, then ready, in the same document.
    expect(seen).toContain('provisioning');
    expect(await page.evaluate(() => (globalThis as unknown as { mark: string }).mark)).toBe(
      'same document',
    );
    // Each stage is done, with how long it took from the registration.
    const stages = page.locator('section[data-product=ledger] [data-testid=timeline] tbody tr');
    expect(await stages.count()).toBeGreaterThanOrEqual(4);
    for (const row of await stages.all()) {
      await expect(row.locator('.state').getAttribute('data-state')).resolves.toBe('done');
      expect(await row.locator('td').nth(2).innerText()).toMatch(/^\d+(\.\d+)? s$/);
    }
    // The audit history shows the registration and its readiness.
    await page
      .locator('[data-testid=history]')
      .getByText('ServiceReady', { exact: true })
      .first()
      .waitFor();
    await shot('tenant');
  });

  it("lists the product's tenants filtered and paged by the registry", async () => {
    await page.goto(`${base}/#/products/ledger`);
    const table = page.locator('[data-testid=registrations]');
    await table.locator(`tr[data-tenant="${ready}"]`).waitFor();
    await page.fill('form[aria-label=filter] input[name=tenant]', 'con-r-');
    await page.selectOption('form[aria-label=filter] select[name=state]', 'ready');
    await expectEventually(async () =>
      expect(await page.locator('[data-testid=total]').innerText()).toMatch(/^1 matching/),
    );
    await page.selectOption('form[aria-label=filter] select[name=state]', 'failed');
    await expectEventually(async () =>
      expect(await page.locator('[data-testid=total]').innerText()).toMatch(/^0 matching/),
    );
    await page.selectOption('form[aria-label=filter] select[name=state]', '');
    await page.fill('form[aria-label=filter] input[name=tenant]', '');
    await table.locator(`tr[data-tenant="${ready}"] .state-ready`).waitFor();
    await shot('product');
  });

  it("shows a failed registration's cause and retries it from the console", async () => {
    // A database of that name owned by someone else: the PostgreSQL stage must refuse it.
    const names = tenantResourceNames(failing, 'tracer', 'DATABASE');
    await resources.createForeignDatabase(names.pgDatabase);
    await page.goto(`${base}/#/products/tracer`);
    await page.fill('form[aria-label=register] input[name=tenantId]', failing);
    await page.selectOption('form[aria-label=register] select[name=isolationMode]', 'DATABASE');
    await page.click('form[aria-label=register] button[type=submit]');
    await page.waitForURL(`**/#/tenants/${failing}`);
    const cause = page.locator('section[data-product=tracer] [data-testid=cause]');
    await cause.waitFor({ timeout: 90_000 });
    expect(await cause.innerText()).toMatch(/postgres: .*(owned by|already exists|foreign)/i);

    await page.goto(`${base}/#/products/tracer`);
    const failure = page.locator(`[data-testid=failures] tr[data-tenant="${failing}"]`);
    await failure.waitFor();
    expect(await failure.locator('.cause').innerText()).toMatch(/postgres: /);
    await shot('failures');

    await resources.dropForeignDatabase(names.pgDatabase);
    await failure.getByRole('button', { name: 'Retry' }).click();
    await page
      .locator(`[data-testid=registrations] tr[data-tenant="${failing}"] .state-ready`)
      .waitFor({ timeout: 90_000 });
    await failure.waitFor({ state: 'detached' });
    const registration = await platform.api('GET', `/v1/tenants/${failing}/services/tracer`);
    expect(registration.body).toMatchObject({ state: 'ready', retries: 1 });
  });

  it('starts a rollout and follows its progress to completion', async () => {
    expect(
      (await platform.api('PUT', '/v1/products/ledger/versions/1.1.0', ledger110())).status,
    ).toBe(201);
    await page.goto(`${base}/#/products/ledger`);
    await page.fill('form[aria-label=rollout] input[name=targetVersion]', '1.1.0');
    await page.click('form[aria-label=rollout] button[type=submit]');
    const row = page.locator('[data-testid=rollouts] tr[data-rollout]').first();
    await row.waitFor();
    await row.locator('.state-completed').waitFor({ timeout: 120_000 });
    expect(await row.locator('[data-testid=rollout-progress]').innerText()).toMatch(
      /^(\d+)\/\1 done$/,
    );
    await page.locator('[data-testid=fleet] tr[data-version="1.1.0"]').waitFor();
    await shot('rollout');
  });

  it("shows each platform app's health, consumer lag, outbox backlog and dead letters", async () => {
    await page.goto(`${base}/#/platform`);
    const rows = page.locator('[data-testid=apps] tbody tr');
    await expectEventually(async () => expect(await rows.count()).toBe(platform.apps.size));
    for (const app of platform.apps.keys()) {
      const row = page.locator(`[data-testid=apps] tr[data-app="${app}"]`);
      await row.locator('.state-ready').waitFor();
      // Read from the app's /metrics: numbers, not the dash shown when they are unknown (a
      // scrape that timed out on a busy machine shows the dash until the next poll).
      await expectEventually(
        async () => {
          const cells = await row.locator('td').allInnerTexts();
          expect({ app, gauges: cells.slice(3, 6) }).toEqual({
            app,
            gauges: [
              expect.stringMatching(/^\d+$/),
              expect.stringMatching(/^\d+$/),
              expect.stringMatching(/^\d+$/),
            ],
          });
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
    }
    await shot('platform');
  });

  it('lists a poison event per topic with its cause, replays it after the fix (handled once) and discards another (audited)', async () => {
    const effects = (tenantId: string) =>
      platform.platformQuery<{ event_id: string }>(
        'SELECT event_id FROM public.gated_effects WHERE tenant_id = $1',
        [tenantId],
      );
    for (const id of [poisoned, discarded])
      expect((await platform.api('POST', '/v1/tenants', { id, displayName: id })).status).toBe(201);

    await page.goto(`${base}/#/dead-letters`);
    const topic = page.locator('section[data-topic="enclave.tenant.created"]');
    const letterOf = (tenantId: string) => topic.locator(`tr[data-tenant="${tenantId}"]`);
    for (const tenantId of [poisoned, discarded]) {
      await letterOf(tenantId).waitFor({ timeout: 60_000 });
      expect(await letterOf(tenantId).locator('.cause').innerText()).toBe(
        `PreconditionMissing: tenant ${tenantId} is not in gated_allowed`,
      );
    }
    await shot('dead-letters');

    // Inspected whole, then replayed once its cause is fixed: the stage handles it, once.
    await letterOf(poisoned).getByRole('link', { name: 'Inspect' }).click();
    const letter = page.locator('[data-testid=dead-letter]');
    await letter.waitFor();
    expect(await letter.getAttribute('data-status')).toBe('open');
    const envelope = JSON.parse(await page.locator('[data-testid=envelope]').innerText());
    expect(envelope).toMatchObject({ type: 'TenantCreated', payload: { tenantId: poisoned } });
    expect(await effects(poisoned)).toEqual([]);
    await shot('dead-letter');
    await platform.platformQuery('INSERT INTO public.gated_allowed (tenant_id) VALUES ($1)', [
      poisoned,
    ]);
    await page.fill('form[aria-label=decide] input[name=reason]', 'tenant allowed');
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.locator('[data-testid=dead-letter][data-status=replayed]').waitFor();
    expect(await page.locator('[data-testid=resolution]').innerText()).toMatch(
      /replayed .* by operator:bootstrap: tenant allowed/,
    );
    await expectEventually(
      async () => expect(await effects(poisoned)).toEqual([{ event_id: envelope.id }]),
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    // A decided letter offers no second decision, and the registry refuses one (409).
    expect(await page.getByRole('button', { name: 'Replay' }).count()).toBe(0);
    const letterId = page.url().split('/').pop();
    expect(
      (await platform.api('POST', `/v1/dead-letters/${letterId}/replay`, { reason: 'again' }))
        .status,
    ).toBe(409);

    // Discarded: off the open list, on the discarded one with who and why, and in the tenant's
    // audit history.
    await page.goto(`${base}/#/dead-letters`);
    await letterOf(discarded).getByRole('link', { name: 'Inspect' }).click();
    await page.fill('form[aria-label=decide] input[name=reason]', 'test tenant, never served');
    await page.getByRole('button', { name: 'Discard' }).click();
    await page.locator('[data-testid=dead-letter][data-status=discarded]').waitFor();
    await page.goto(`${base}/#/dead-letters`);
    await page.fill('form[aria-label=dead-letter-filter] input[name=tenantId]', discarded);
    await page.locator('[data-testid=no-letters]').waitFor();
    await page.selectOption('form[aria-label=dead-letter-filter] select[name=status]', 'discarded');
    await letterOf(discarded).locator('.state-discarded').waitFor();
    await page.goto(`${base}/#/tenants/${discarded}`);
    const audit = page
      .locator('[data-testid=history] tr')
      .filter({ hasText: 'DeadLetterDiscarded' });
    await audit.waitFor({ timeout: 30_000 });
    expect(await audit.innerText()).toMatch(/test tenant, never served\s+operator:bootstrap/);
    // Nothing of the poisoned tenant is left open, and the discarded one was never handled.
    expect((await platform.api('GET', `/v1/dead-letters?tenantId=${poisoned}`)).body.items).toEqual(
      [],
    );
    expect(await effects(discarded)).toEqual([]);
    expect(await effects(poisoned)).toHaveLength(1);
  });

  it('ran every page under that policy with nothing refused, and refuses an injected inline script', async () => {
    expect(violations).toEqual([]);
    await page.goto(`${base}/#/platform`);
    // What an XSS would do: the policy stops it, and the browser says so.
    const ran = await page.evaluate(`(() => {
      const script = document.createElement('script');
      script.textContent = 'globalThis.injected = true';
      document.head.append(script);
      return globalThis.injected === true;
    })()`);
    expect(ran).toBe(false);
    await expectEventually(() => expect(violations).toEqual(['script-src-elem inline']));
  });
});
