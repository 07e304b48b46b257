import { Topics } from '@enclave/contracts';
import { exampleProducts } from '@enclave/product-catalog';
import { expectEventually } from '@enclave/testing';
import http from 'node:http';
import { PlatformHarness } from './support/platform.harness';

interface Call {
  readonly method: string;
  /** Sent as written: no client normalises `..` or re-encodes anything. */
  readonly path: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  /** Bearer token; the operator's when absent. */
  readonly token?: string;
}

/** One request on a raw socket, so odd paths, types and bodies reach the server as they are. */
function send(base: string, call: Call): Promise<{ status: number; text: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: call.method,
        path: call.path,
        headers: {
          authorization: `Bearer ${call.token}`,
          // Framed explicitly: node's client sends a DELETE body without a length otherwise.
          ...(call.body === undefined ? {} : { 'content-length': Buffer.byteLength(call.body) }),
          ...call.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode!, text: Buffer.concat(chunks).toString() }),
        );
      },
    );
    request.on('error', reject);
    request.end(call.body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const json = (value: unknown) => ({ body: JSON.stringify(value), headers: JSON_TYPE });
const typed = (type: string, body: string) => ({ body, headers: { 'content-type': type } });

/**
 * Every input of the admin and product APIs is validated the same way, on the real platform: path
 * and query parameters by the rules of the bodies and events that carry the same values, bodies as
 * JSON only. Odd requests get the 4xx that says why, never a 5xx, and change nothing.
 */
describe('input validation', () => {
  const platform = new PlatformHarness({ logLevel: 'warn' });
  const known = `val-${platform.runId}`;
  const nobody = `nobody-${platform.runId}`;
  const ledger = exampleProducts.get('ledger')!;
  let ledgerToken: string;
  let tenantCreated: Awaited<ReturnType<PlatformHarness['collect']>>;

  /** The registry's own state: tenants, registrations and the product catalog, row by row. */
  const registryRows = () =>
    platform.platformQuery<{ row: string }>(
      `SELECT row FROM (
         SELECT to_jsonb(t)::text AS row FROM tenant_registry.tenant t
         UNION ALL SELECT to_jsonb(r)::text FROM tenant_registry.service_registration r
         UNION ALL SELECT to_jsonb(p)::text FROM tenant_registry.product p
         UNION ALL SELECT to_jsonb(v)::text FROM tenant_registry.product_version v
       ) rows ORDER BY row`,
    );

  beforeAll(async () => {
    await platform.start();
    tenantCreated = await platform.collect(Topics.TenantCreated);
    const created = await platform.api('POST', '/v1/tenants', { id: known, displayName: known });
    expect(created.status).toBe(201);
    ledgerToken = (await platform.api('POST', '/v1/products/ledger/api-token')).body.token;
  }, 180_000);

  afterAll(async () => {
    await platform.stop();
  }, 60_000);

  it('answers every odd request with the 4xx that says why, and changes nothing', async () => {
    const tenantRule = /path parameter tenantId: .*tenant id: 3-32 chars/;
    const productRule = /path parameter product: .*product: 3-20 chars/;
    const versionRule = /path parameter version: version: major\.minor\.patch/;
    const notJson = /request bodies must be application\/json, not /;
    const nul = /U\+0000/;
    const huge = JSON.stringify({ id: `huge-${platform.runId}`, displayName: 'x'.repeat(20_000) });
    const withNul = structuredClone(ledger);
    withNul.resources.postgres!.migrations[0].sql += ' -- \u0000';
    const attempted = ['tp', 'form', 'bare', 'xml', 'vnd', 'nul', 'huge', 'latin'].map(
      (prefix) => `${prefix}-${platform.runId}`,
    );
    const [tp, form, bare, xml, vnd, nulId, , latin] = attempted;

    // [what, call, status, what the answer says]
    const table: [string, Call, number, RegExp][] = [
      // A tenant id that can never exist: 400 on every route that names one.
      ['uppercase id', { method: 'GET', path: '/v1/tenants/UPPER' }, 400, tenantRule],
      ['short id', { method: 'GET', path: '/v1/tenants/ab/services' }, 400, /at least 3/],
      [
        'long id',
        { method: 'GET', path: `/v1/tenants/${'x'.repeat(33)}/services/ledger` },
        400,
        /at most 32/,
      ],
      [
        'unicode id',
        { method: 'POST', path: '/v1/tenants/caf%C3%A9/suspend', ...json({ reason: 'x' }) },
        400,
        tenantRule,
      ],
      ['NUL in id', { method: 'POST', path: '/v1/tenants/ab%00cd/resume' }, 400, tenantRule],
      [
        'newline in id',
        {
          method: 'POST',
          path: '/v1/tenants/ab%0Acd/services',
          ...json({ product: 'ledger' }),
        },
        400,
        tenantRule,
      ],
      [
        'encoded slash in id',
        { method: 'POST', path: '/v1/tenants/a%2Fb/services/ledger/credentials/rotate' },
        400,
        tenantRule,
      ],
      [
        'encoded traversal in id',
        { method: 'POST', path: '/v1/tenants/..%2F..%2Fetc/services/ledger/retry' },
        400,
        tenantRule,
      ],
      [
        'doubled dash in id',
        { method: 'DELETE', path: '/v1/tenants/a--b/services/ledger' },
        400,
        tenantRule,
      ],
      [
        'encoded slash in an offboarded id',
        { method: 'POST', path: '/v1/tenants/a%2Fb/offboard' },
        400,
        tenantRule,
      ],
      ['emoji id', { method: 'GET', path: '/v1/tenants/%F0%9F%98%80' }, 400, tenantRule],
      ['dot-dot id', { method: 'GET', path: '/v1/tenants/../services' }, 400, tenantRule],
      [
        'encoded dot-dot id',
        { method: 'GET', path: '/v1/tenants/%2E%2E/services' },
        400,
        tenantRule,
      ],
      ['undecodable id', { method: 'GET', path: '/v1/tenants/%ZZ' }, 400, /decode param/],
      [
        'NUL in id, product API',
        {
          method: 'GET',
          path: '/v1/products/ledger/tenants/ab%00cd/connection',
          token: 'product',
        },
        400,
        tenantRule,
      ],
      [
        'uppercase id, product API',
        { method: 'GET', path: '/v1/products/ledger/tenants/UPPER/connection', token: 'product' },
        400,
        tenantRule,
      ],
      // A product name or version that can never exist: 400 alike.
      [
        'uppercase product',
        { method: 'GET', path: `/v1/tenants/${known}/services/Ledger` },
        400,
        productRule,
      ],
      [
        'NUL in product',
        { method: 'POST', path: `/v1/tenants/${known}/services/ab%00cd/credentials/rotate` },
        400,
        productRule,
      ],
      [
        'encoded traversal in product',
        { method: 'POST', path: `/v1/tenants/${known}/services/..%2Fx/retry` },
        400,
        productRule,
      ],
      [
        'short product',
        { method: 'DELETE', path: `/v1/tenants/${known}/services/le` },
        400,
        /path parameter product: .*at least 3/,
      ],
      [
        'dot-dot product',
        { method: 'GET', path: `/v1/tenants/${known}/services/..` },
        400,
        /path parameter product/,
      ],
      [
        'uppercase product, catalog',
        { method: 'GET', path: '/v1/products/LEDGER/versions' },
        400,
        productRule,
      ],
      [
        'NUL in product, api-token',
        { method: 'POST', path: '/v1/products/l%00dger/api-token' },
        400,
        productRule,
      ],
      [
        'encoded dot-dot product',
        { method: 'GET', path: '/v1/products/%2E%2E/versions/1.0.0' },
        400,
        /path parameter product/,
      ],
      [
        'two-part version',
        { method: 'GET', path: '/v1/products/ledger/versions/1.0' },
        400,
        versionRule,
      ],
      [
        'leading-zero version',
        { method: 'GET', path: '/v1/products/ledger/versions/01.0.0' },
        400,
        versionRule,
      ],
      [
        'v-prefixed version, publish',
        { method: 'PUT', path: '/v1/products/ledger/versions/v1.0.0', ...json(ledger) },
        400,
        versionRule,
      ],
      [
        'uppercase product, publish',
        { method: 'PUT', path: '/v1/products/Ledger/versions/1.0.0', ...json(ledger) },
        400,
        productRule,
      ],
      // A valid id of nothing: 404 on every route, reads and writes alike.
      ['unknown tenant', { method: 'GET', path: `/v1/tenants/${nobody}` }, 404, /does not exist/],
      [
        "unknown tenant's registrations",
        { method: 'GET', path: `/v1/tenants/${nobody}/services` },
        404,
        /does not exist/,
      ],
      [
        "unknown tenant's registration",
        { method: 'GET', path: `/v1/tenants/${nobody}/services/ledger` },
        404,
        /not registered/,
      ],
      [
        'suspend unknown tenant',
        { method: 'POST', path: `/v1/tenants/${nobody}/suspend`, ...json({ reason: 'x' }) },
        404,
        /does not exist/,
      ],
      [
        'resume unknown tenant',
        { method: 'POST', path: `/v1/tenants/${nobody}/resume` },
        404,
        /does not exist/,
      ],
      [
        'register for unknown tenant',
        { method: 'POST', path: `/v1/tenants/${nobody}/services`, ...json({ product: 'ledger' }) },
        404,
        /does not exist/,
      ],
      [
        'rotate unknown registration',
        { method: 'POST', path: `/v1/tenants/${nobody}/services/ledger/credentials/rotate` },
        404,
        /not registered/,
      ],
      [
        'retry unknown registration',
        { method: 'POST', path: `/v1/tenants/${nobody}/services/ledger/retry` },
        404,
        /not registered/,
      ],
      [
        'offboard unknown registration',
        { method: 'DELETE', path: `/v1/tenants/${nobody}/services/ledger` },
        404,
        /not registered/,
      ],
      [
        'offboard unknown tenant',
        { method: 'POST', path: `/v1/tenants/${nobody}/offboard`, ...json({ reason: 'x' }) },
        404,
        /does not exist/,
      ],
      [
        'unknown product of a tenant',
        { method: 'GET', path: `/v1/tenants/${known}/services/nothing` },
        404,
        /not registered/,
      ],
      [
        'unknown product',
        { method: 'GET', path: '/v1/products/nothing/versions' },
        404,
        /unknown product/,
      ],
      [
        'unknown version',
        { method: 'GET', path: '/v1/products/ledger/versions/9.9.9' },
        404,
        /no published version/,
      ],
      [
        'token of unknown product',
        { method: 'POST', path: '/v1/products/nothing/api-token' },
        404,
        /unknown product/,
      ],
      [
        'unknown tenant, product API',
        {
          method: 'GET',
          path: `/v1/products/ledger/tenants/${nobody}/connection`,
          token: 'product',
        },
        404,
        /not registered/,
      ],
      // Query parameters: by their rules, and only those a route declares.
      ['limit not a number', { method: 'GET', path: '/v1/tenants?limit=abc' }, 400, /limit/],
      ['limit 0', { method: 'GET', path: '/v1/tenants?limit=0' }, 400, /greater than or equal/],
      ['limit 501', { method: 'GET', path: '/v1/tenants?limit=501' }, 400, /less than or equal/],
      ['limit twice', { method: 'GET', path: '/v1/tenants?limit=1&limit=2' }, 400, /limit/],
      ['NUL cursor', { method: 'GET', path: '/v1/tenants?after=%00' }, 400, /after/],
      ['uppercase cursor', { method: 'GET', path: '/v1/tenants?after=UPPER' }, 400, /tenant id/],
      ['unknown query key', { method: 'GET', path: '/v1/tenants?foo=bar' }, 400, /'foo'/],
      [
        'query on a route without one',
        { method: 'GET', path: '/v1/products?x=1' },
        400,
        /takes no query parameters \(got x\)/,
      ],
      [
        'query on a tenant read',
        { method: 'GET', path: `/v1/tenants/${known}?verbose=1` },
        400,
        /takes no query parameters/,
      ],
      // Bodies: JSON only (415 otherwise), well-formed (400), within the limit (413).
      [
        'text/plain body',
        { method: 'POST', path: '/v1/tenants', ...typed('text/plain', `{"id":"${tp}"}`) },
        415,
        /not text\/plain/,
      ],
      [
        'form body',
        {
          method: 'POST',
          path: '/v1/tenants',
          ...typed('application/x-www-form-urlencoded', `id=${form}&displayName=x`),
        },
        415,
        /not application\/x-www-form-urlencoded/,
      ],
      [
        'untyped body',
        { method: 'POST', path: '/v1/tenants', body: `{"id":"${bare}","displayName":"x"}` },
        415,
        /not untyped/,
      ],
      [
        'XML body',
        { method: 'POST', path: '/v1/tenants', ...typed('application/xml', `<id>${xml}</id>`) },
        415,
        notJson,
      ],
      [
        'vendor JSON type',
        {
          method: 'POST',
          path: '/v1/tenants',
          ...typed('application/vnd.api+json', `{"id":"${vnd}","displayName":"x"}`),
        },
        415,
        notJson,
      ],
      [
        'latin-1 JSON',
        {
          method: 'POST',
          path: '/v1/tenants',
          ...typed('application/json; charset=latin1', `{"id":"${latin}","displayName":"x"}`),
        },
        415,
        /unsupported charset/,
      ],
      [
        'text/plain manifest',
        {
          method: 'PUT',
          path: '/v1/products/ledger/versions/1.0.0',
          ...typed('text/plain', JSON.stringify(ledger)),
        },
        415,
        notJson,
      ],
      [
        'form suspension',
        {
          method: 'POST',
          path: `/v1/tenants/${known}/suspend`,
          ...typed('application/x-www-form-urlencoded', 'reason=x'),
        },
        415,
        notJson,
      ],
      [
        'form offboarding',
        {
          method: 'POST',
          path: `/v1/tenants/${known}/offboard`,
          ...typed('application/x-www-form-urlencoded', 'reason=x'),
        },
        415,
        notJson,
      ],
      [
        'text body on a route without one',
        { method: 'POST', path: `/v1/tenants/${known}/resume`, ...typed('text/plain', 'x') },
        415,
        notJson,
      ],
      [
        'text body on a delete',
        {
          method: 'DELETE',
          path: `/v1/tenants/${known}/services/nothing`,
          ...typed('text/plain', 'x'),
        },
        415,
        notJson,
      ],
      [
        'malformed JSON',
        { method: 'POST', path: '/v1/tenants', ...typed('application/json', '{"id":') },
        400,
        /JSON/,
      ],
      [
        'JSON null',
        { method: 'POST', path: '/v1/tenants', ...typed('application/json', 'null') },
        400,
        /not valid JSON/,
      ],
      [
        'JSON string',
        { method: 'POST', path: '/v1/tenants', ...typed('application/json', '"x"') },
        400,
        /not valid JSON/,
      ],
      [
        'JSON array',
        { method: 'POST', path: '/v1/tenants', ...json([{ id: 'arr-x', displayName: 'x' }]) },
        400,
        /Expected object, received array/,
      ],
      [
        'wrong types',
        { method: 'POST', path: '/v1/tenants', ...json({ id: 42, displayName: true }) },
        400,
        /Expected string, received number/,
      ],
      [
        'unknown key',
        {
          method: 'POST',
          path: '/v1/tenants',
          ...json({ id: 'extra-x', displayName: 'x', admin: true }),
        },
        400,
        /Unrecognized key/,
      ],
      [
        'NUL in a body string',
        { method: 'POST', path: '/v1/tenants', ...json({ id: nulId, displayName: 'a\u0000b' }) },
        400,
        nul,
      ],
      [
        'NUL in a reason',
        { method: 'POST', path: `/v1/tenants/${known}/suspend`, ...json({ reason: '\u0000' }) },
        400,
        nul,
      ],
      [
        'NUL in an offboarding reason',
        { method: 'POST', path: `/v1/tenants/${known}/offboard`, ...json({ reason: '\u0000' }) },
        400,
        nul,
      ],
      [
        'stray key when offboarding',
        {
          method: 'POST',
          path: `/v1/tenants/${known}/offboard`,
          ...json({ reason: 'x', force: true }),
        },
        400,
        /Unrecognized key/,
      ],
      [
        'NUL in a manifest',
        { method: 'PUT', path: '/v1/products/ledger/versions/1.0.0', ...json(withNul) },
        400,
        nul,
      ],
      [
        'unknown isolation mode',
        {
          method: 'POST',
          path: `/v1/tenants/${known}/services`,
          ...json({ product: 'ledger', isolationMode: 'SHARED' }),
        },
        400,
        /isolationMode/,
      ],
      [
        'huge body',
        { method: 'POST', path: '/v1/tenants', ...typed('application/json', huge) },
        413,
        /too large/,
      ],
      [
        'huge manifest',
        {
          method: 'PUT',
          path: '/v1/products/ledger/versions/1.0.0',
          ...typed('application/json', huge),
        },
        413,
        /too large/,
      ],
      // Reads and bodiless writes still work with or without a content type.
      ['bare read', { method: 'GET', path: `/v1/tenants/${known}` }, 200, new RegExp(known)],
      [
        'read typed as JSON, no body',
        { method: 'GET', path: `/v1/tenants/${known}/services`, headers: JSON_TYPE },
        200,
        /^\[\]$/,
      ],
      ['page', { method: 'GET', path: '/v1/tenants?limit=5&after=aaa' }, 200, new RegExp(known)],
      [
        'bodiless resume of an active tenant',
        { method: 'POST', path: `/v1/tenants/${known}/resume` },
        200,
        /"status":"active"/,
      ],
      [
        'bodiless delete',
        { method: 'DELETE', path: `/v1/tenants/${known}/services/nothing` },
        404,
        /not registered/,
      ],
    ];

    const before = await registryRows();
    const base = platform.apps.get('tenant-registry')!.base;
    const answers: string[] = [];
    const expected: string[] = [];
    for (const [what, call, status, says] of table) {
      const token = call.token === 'product' ? ledgerToken : platform.adminToken;
      const { status: got, text } = await send(base, { ...call, token });
      answers.push(`${what}: ${got} ${says.test(text) ? 'as expected' : text.slice(0, 300)}`);
      expected.push(`${what}: ${status} as expected`);
    }
    expect(answers).toEqual(expected);
    expect(answers.filter((a) => / 5\d\d /.test(a))).toEqual([]);

    // Nothing was created, changed or announced.
    expect(await registryRows()).toEqual(before);
    const { body: tenants } = await platform.api('GET', '/v1/tenants?limit=500');
    expect(tenants.map((t: { id: string }) => t.id)).toEqual([known]);
    await expectEventually(() => expect(tenantCreated.length).toBeGreaterThanOrEqual(1));
    const announced = tenantCreated.map((m) => JSON.parse(m.message.value!.toString()).payload);
    expect(announced.map((p: { tenantId: string }) => p.tenantId)).toEqual([known]);
  }, 60_000);
});
