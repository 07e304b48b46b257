import fc from 'fast-check';
import { Operation, Parameter, Schema, satisfies } from './openapi-operations';
import { RawRequest } from './raw-http.client';
import { asSent, encodeForTarget, unicodeChar, unicodeText } from './unicode-text.arbitrary';

/** The one part of a generated request that makes it invalid (there may be more). */
export type Flaw =
  | 'path-param'
  | 'query-param'
  | 'query-undeclared'
  | 'auth-missing'
  | 'auth-wrong'
  | 'content-type'
  | 'body-field'
  | 'body-missing-field'
  | 'body-malformed'
  | 'body-not-object'
  | 'body-oversized';

export interface InvalidRequest {
  readonly operation: string;
  readonly flaw: Flaw;
  /** What was changed, for a counterexample to be read without decoding bytes. */
  readonly detail: string;
  readonly raw: RawRequest;
}

/** Values the platform knows (or validly does not know): the valid parts of a request use them. */
export interface FuzzWorld {
  readonly operatorToken: string;
  readonly tenants: readonly string[];
  readonly products: readonly string[];
}

/** The server accepts a value it can read either way: trimmed or not (the lenient reading). */
const acceptable = (schema: Schema, value: string): boolean =>
  satisfies(schema, asSent(value)) || satisfies(schema, asSent(value).trim());

/** A value the parameter accepts, for the parts of a request that are not the flaw. */
function validValue(param: Parameter, world: FuzzWorld): fc.Arbitrary<string> {
  const { schema, name } = param;
  if (schema.enum) return fc.constantFrom(...schema.enum.map(String));
  if (schema.format === 'uuid') return fc.uuid({ version: 4 });
  if (schema.type === 'integer')
    return fc.integer({ min: schema.minimum ?? 1, max: schema.maximum ?? 100 }).map(String);
  if (name === 'version') return fc.constantFrom('1.0.0', '9.9.9');
  if (name === 'product') return fc.constantFrom(...world.products);
  if (name === 'topic') return fc.constant('enclave.tenant.created');
  if (name === 'kind') return fc.constant('TenantCreated');
  const fitting = [...world.tenants, 'enclave.tenant.created', 'TenantCreated', '1', 'abc'].filter(
    (v) => satisfies(schema, v),
  );
  if (fitting.length === 0) throw new Error(`no valid value known for parameter ${name}`);
  return fc.constantFrom(...fitting);
}

/** A value the parameter refuses: any Unicode text, or a valid one with one character spoilt. */
function invalidValue(param: Parameter, world: FuzzWorld): fc.Arbitrary<string> {
  const spoilt = fc
    .tuple(validValue(param, world), fc.nat(40), unicodeChar)
    .map(([v, at, c]) => v.slice(0, at % (v.length + 1)) + c + v.slice(at % (v.length + 1)));
  const overlong = fc.constantFrom('a', '1', 'x-').map((unit) => unit.repeat(300));
  return fc
    .oneof(unicodeText(), spoilt, overlong)
    .filter((v) => v.length > 0 && !acceptable(param.schema, v));
}

const WRONG_TYPE: Record<string, fc.Arbitrary<unknown>> = {
  string: fc.oneof(
    fc.integer(),
    fc.boolean(),
    fc.array(fc.string(), { maxLength: 2 }),
    fc.object({ maxDepth: 1 }),
  ),
  integer: fc.oneof(unicodeText(10), fc.boolean(), fc.array(fc.integer(), { maxLength: 2 })),
  number: fc.oneof(unicodeText(10), fc.boolean(), fc.array(fc.integer(), { maxLength: 2 })),
  boolean: fc.oneof(unicodeText(10), fc.integer(), fc.constant([])),
  object: fc.oneof(unicodeText(10), fc.integer(), fc.array(fc.integer(), { maxLength: 2 })),
  array: fc.oneof(unicodeText(10), fc.integer(), fc.object({ maxDepth: 1 })),
};

/** Some value for each declared body field: random text or a plausible value, not necessarily valid. */
function someBody(schema: Schema): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.keys(schema.properties ?? {});
  return fc.record(
    Object.fromEntries(
      fields.map((f) => [
        f,
        fc.oneof(unicodeText(), fc.constantFrom('abc', 'ledger', 'x'), fc.integer()),
      ]),
    ),
    { requiredKeys: [] },
  );
}

const NOT_JSON_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/xml',
  'text/html',
  'application/octet-stream',
  'application/vnd.api+json',
  'application/json-patch+json',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
];

/** Framing and routing headers stay the client's: noise must not change what request is sent. */
const RESERVED_HEADERS =
  /^(host|connection|content-length|transfer-encoding|authorization|content-type|content-encoding|expect|upgrade|te|trailer|keep-alive)$/i;

const headerNoise = fc.array(
  fc
    .tuple(fc.oneof(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), unicodeText(12)), unicodeText(60))
    .filter(([name]) => {
      const sent = name.replace(/[\r\n]/g, '');
      return !RESERVED_HEADERS.test(sent.trim()) && !sent.includes(':') && sent.trim().length > 0;
    })
    .map(([name, value]) => headerLine(name, value)),
  { maxLength: 3 },
);

/**
 * A header line with any text but CR and LF: those would end the line, and a request split in two
 * could make its second half a valid request of its own. Every other control character is sent.
 */
function headerLine(name: string, value: string): Buffer {
  return Buffer.from(`${name}: ${value}`.replace(/[\r\n]/g, ''), 'utf8');
}

interface Parts {
  path: Record<string, string>;
  query: [string, string][];
  auth: Buffer | null;
  contentType: string | null;
  body: Buffer | null;
  detail: string;
}

/**
 * Invalid requests for one operation of the OpenAPI document: each has at least one flaw (a path
 * or query parameter it refuses, no or a wrong token, a body of another type, malformed, oversized
 * or with a field of the wrong type), the rest valid or random, text from the whole of Unicode.
 */
export function invalidRequests(op: Operation, world: FuzzWorld): fc.Arbitrary<InvalidRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const operation = `${op.method} ${op.path}`;
  const bearer = Buffer.from(`authorization: Bearer ${world.operatorToken}`);

  const validPath = fc.record(
    Object.fromEntries(pathParams.map((p) => [p.name, validValue(p, world)])),
  ) as fc.Arbitrary<Record<string, string>>;
  const jsonBody = (value: fc.Arbitrary<unknown>) =>
    value.map((v) => Buffer.from(JSON.stringify(v), 'utf8'));
  const baseBody = op.body
    ? jsonBody(someBody(op.body)).map((b) => b as Buffer | null)
    : fc.constant(null);
  const base: fc.Arbitrary<Parts> = fc.record({
    path: validPath,
    query: fc.constant([]),
    auth: fc.constant(bearer as Buffer | null),
    contentType: fc.constant(op.body ? 'application/json' : null),
    body: baseBody,
    detail: fc.constant(''),
  });

  const flaws: [Flaw, fc.Arbitrary<(parts: Parts) => Parts>][] = [];
  if (pathParams.length > 0) {
    flaws.push([
      'path-param',
      fc
        .constantFrom(...pathParams)
        .chain((p) => invalidValue(p, world).map((v) => ({ p, v })))
        .map(({ p, v }) => (parts) => ({
          ...parts,
          path: { ...parts.path, [p.name]: v },
          detail: `${p.name}=${JSON.stringify(v)}`,
        })),
    ]);
  }
  if (queryParams.length > 0) {
    flaws.push([
      'query-param',
      fc
        .constantFrom(...queryParams)
        .chain((p) =>
          fc.oneof(
            invalidValue(p, world).map((v) => [[p.name, v]] as [string, string][]),
            // Twice, each valid on its own: one value is expected.
            fc.tuple(validValue(p, world), validValue(p, world)).map(
              ([a, b]) =>
                [
                  [p.name, a],
                  [p.name, b],
                ] as [string, string][],
            ),
          ),
        )
        .map((query) => (parts) => ({ ...parts, query, detail: `query ${JSON.stringify(query)}` })),
    ]);
  }
  flaws.push([
    'query-undeclared',
    fc
      .tuple(unicodeText(12), unicodeText(20))
      .filter(
        ([key]) => key.length > 0 && !op.parameters.some((p) => p.name === asSent(key).trim()),
      )
      .map(([key, value]) => (parts) => ({
        ...parts,
        query: [...parts.query, [key, value]],
        detail: `undeclared query ${JSON.stringify(key)}`,
      })),
  ]);
  if (op.secured) {
    flaws.push([
      'auth-missing',
      fc.constant((parts) => ({ ...parts, auth: null, detail: 'no token' })),
    ]);
    flaws.push([
      'auth-wrong',
      fc
        .oneof(
          unicodeText(80).map((t) => `Bearer ${t}`),
          unicodeText(80),
          fc.stringMatching(/^[0-9a-f]{48}$/).map((t) => `Bearer ${t}`),
          fc.constant(`bearer  ${world.operatorToken}x`),
          fc.constant(`Basic ${Buffer.from(`operator:${world.operatorToken}`).toString('base64')}`),
        )
        .filter((value) => value.trim() !== `Bearer ${world.operatorToken}`)
        .map((value) => (parts) => ({
          ...parts,
          auth: headerLine('authorization', value),
          detail: `authorization ${JSON.stringify(value)}`,
        })),
    ]);
  }
  flaws.push([
    'content-type',
    fc
      .tuple(
        fc.oneof(
          fc.constantFrom(...NOT_JSON_TYPES),
          unicodeText(30).filter(
            (t) => t.split(';')[0].trim().toLowerCase() !== 'application/json',
          ),
        ),
        fc.oneof(
          unicodeText(200),
          fc.constant('{"id":"abc","displayName":"x"}'),
          fc.constant('id=abc'),
        ),
      )
      .filter(([, body]) => Buffer.byteLength(body) > 0)
      .map(([type, body]) => (parts) => ({
        ...parts,
        contentType: type,
        body: Buffer.from(body, 'utf8'),
        detail: `content-type ${JSON.stringify(type)}`,
      })),
  ]);
  if (op.body) {
    const schema = op.body;
    const typed = Object.entries(schema.properties ?? {}).filter(
      ([, s]) => s.type !== undefined && WRONG_TYPE[s.type] !== undefined,
    );
    if (typed.length > 0) {
      flaws.push([
        'body-field',
        fc
          .tuple(someBody(schema), fc.constantFrom(...typed))
          .chain(([some, [field, s]]) =>
            WRONG_TYPE[s.type!].map((wrong) => ({ body: { ...some, [field]: wrong }, field })),
          )
          .map(({ field, body }) => (parts) => ({
            ...parts,
            contentType: 'application/json',
            body: Buffer.from(JSON.stringify(body), 'utf8'),
            detail: `body field ${field} of the wrong type: ${JSON.stringify(body[field])}`,
          })),
      ]);
    }
    const required = schema.required ?? [];
    if (required.length > 0) {
      flaws.push([
        'body-missing-field',
        fc
          .tuple(someBody(schema), fc.constantFrom(...required))
          .map(([body, missing]) => (parts) => {
            const { [missing]: _dropped, ...rest } = body;
            return {
              ...parts,
              contentType: 'application/json',
              body: Buffer.from(JSON.stringify(rest), 'utf8'),
              detail: `body without ${missing}`,
            };
          }),
      ]);
    }
    flaws.push([
      'body-malformed',
      fc
        .oneof(
          unicodeText(200),
          someBody(schema).map((b) => JSON.stringify(b).slice(0, -1)),
          fc
            .uint8Array({ minLength: 1, maxLength: 200 })
            .map((a) => Buffer.from(a).toString('latin1')),
        )
        .filter((text) => {
          try {
            JSON.parse(text);
            return false;
          } catch {
            return text.trim().length > 0;
          }
        })
        .map((text) => (parts) => ({
          ...parts,
          contentType: 'application/json',
          body: Buffer.from(text, 'utf8'),
          detail: `malformed JSON ${JSON.stringify(text.slice(0, 80))}`,
        })),
    ]);
    flaws.push([
      'body-not-object',
      fc
        .oneof(
          fc.constant(null),
          fc.integer(),
          unicodeText(40),
          fc.boolean(),
          fc.array(someBody(schema), { maxLength: 2 }),
        )
        .map((value) => (parts) => ({
          ...parts,
          contentType: 'application/json',
          body: Buffer.from(JSON.stringify(value), 'utf8'),
          detail: `JSON ${JSON.stringify(value).slice(0, 80)}`,
        })),
    ]);
    flaws.push([
      'body-oversized',
      fc.tuple(fc.integer({ min: 17, max: 64 }), unicodeChar).map(([kib, c]) => (parts) => {
        const filler = (c === '"' || c === '\\' ? 'x' : c).repeat(kib * 1024);
        return {
          ...parts,
          contentType: 'application/json',
          body: Buffer.from(JSON.stringify({ filler }), 'utf8'),
          detail: `${kib} KiB body`,
        };
      }),
    ]);
  }

  return fc
    .tuple(base, fc.constantFrom(...flaws), fc.boolean(), headerNoise)
    .chain(([parts, [flaw, apply], raw, noise]) =>
      apply.map((change) => {
        const flawed = change(parts);
        return { operation, flaw, detail: flawed.detail, raw: toRaw(op, flawed, raw, noise) };
      }),
    );
}

function toRaw(op: Operation, parts: Parts, raw: boolean, noise: Buffer[]): RawRequest {
  const segments = op.path.split(/(\{[^}]+\})/).map((piece) => {
    const name = /^\{(.+)\}$/.exec(piece)?.[1];
    return name === undefined ? Buffer.from(piece) : encodeForTarget(parts.path[name], raw);
  });
  const query = parts.query.map(([k, v]) =>
    Buffer.concat([encodeForTarget(k, raw), Buffer.from('='), encodeForTarget(v, raw)]),
  );
  const target = Buffer.concat([
    ...segments,
    ...(query.length
      ? [Buffer.from('?'), ...query.flatMap((q, i) => (i ? [Buffer.from('&'), q] : [q]))]
      : []),
  ]);
  const headers = [
    ...(parts.auth ? [parts.auth] : []),
    ...(parts.contentType !== null && parts.body !== null
      ? [headerLine('content-type', parts.contentType)]
      : []),
    ...noise,
  ];
  return { method: op.method, target, headers, body: parts.body ?? undefined };
}
