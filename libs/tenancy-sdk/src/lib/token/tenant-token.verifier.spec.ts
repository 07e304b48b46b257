import { JWTPayload, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { TenancyUnavailableError } from '../errors/tenancy-unavailable.error';
import { UnauthorizedTenantError } from '../errors/unauthorized-tenant.error';
import { TenantTokenVerifier } from './tenant-token.verifier';

const SECRET = 'a-shared-secret-of-at-least-32-bytes!';
const ISSUER = 'https://id.enclave.test';
const AUDIENCE = 'ledger';
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function hs256(claims: JWTPayload = {}, secret = SECRET): Promise<string> {
  const defaults = { tenantId: 'acme', iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + 300 };
  return new SignJWT({ ...defaults, ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(secret));
}

/** A correctly signed HS256 JWS over any bytes, to reach the checks that follow the signature. */
function signedRaw(payload: string): string {
  const input = `${b64({ alg: 'HS256' })}.${Buffer.from(payload).toString('base64url')}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}

async function rejection(
  promise: Promise<unknown>,
): Promise<{ name: string; reason: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as UnauthorizedTenantError;
    return { name: e.name, reason: e.reason, message: e.message };
  }
  throw new Error('expected a rejection');
}

describe('TenantTokenVerifier', () => {
  describe('HS256 with a shared secret', () => {
    const verifier = new TenantTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      secret: SECRET,
    });

    it('accepts a valid token and returns its tenant', async () => {
      const token = await hs256({ sub: 'user-1' });
      const verified = await verifier.verifyAuthorization(`Bearer ${token}`);
      expect(verified.tenantId).toBe('acme');
      expect(verified.claims.sub).toBe('user-1');
    });

    it.each<[string, () => Promise<string>, string]>([
      [
        'forged signature',
        () => hs256({}, 'another-secret-that-is-also-32-bytes-long'),
        'bad-signature',
      ],
      ['expired', () => hs256({ exp: now() - 60 }), 'expired'],
      ['not valid yet', () => hs256({ nbf: now() + 120 }), 'not-yet-valid'],
      ['wrong issuer', () => hs256({ iss: 'https://evil.test' }), 'wrong-issuer'],
      ['wrong audience', () => hs256({ aud: 'tracer' }), 'wrong-audience'],
      ['no tenant claim', () => hs256({ tenantId: undefined }), 'missing-tenant-claim'],
      [
        'a tenant claim that is no tenant id',
        () => hs256({ tenantId: 'Acme"; --' }),
        'invalid-tenant-claim',
      ],
      [
        'a tenant claim that is not a string',
        () => hs256({ tenantId: 42 }),
        'invalid-tenant-claim',
      ],
    ])('refuses a token that is %s', async (_case, make, reason) => {
      const token = await make();
      const error = await rejection(verifier.verify(token));
      expect(error).toMatchObject({ name: 'UnauthorizedTenantError', reason });
      expect(error.message).not.toContain(token.split('.')[2]);
    });

    it('tolerates a few seconds of clock skew on exp and nbf', async () => {
      await expect(verifier.verify(await hs256({ exp: now() - 2 }))).resolves.toMatchObject({
        tenantId: 'acme',
      });
      await expect(verifier.verify(await hs256({ nbf: now() + 2 }))).resolves.toMatchObject({
        tenantId: 'acme',
      });
    });

    it('remembers a verified token until it expires, and never a refused one', async () => {
      const cached = new TenantTokenVerifier({
        issuer: ISSUER,
        audience: AUDIENCE,
        secret: SECRET,
        clockToleranceSec: 0,
      });
      const token = await hs256({ exp: now() + 1 });
      const first = await cached.verify(token);
      expect(await cached.verify(token)).toBe(first); // served from memory
      const forged = await hs256({}, 'another-secret-that-is-also-32-bytes-long');
      await expect(cached.verify(forged)).rejects.toMatchObject({ reason: 'bad-signature' });
      await expect(cached.verify(forged)).rejects.toMatchObject({ reason: 'bad-signature' });
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      try {
        jest.setSystemTime(Date.now() + 5_000);
        await expect(cached.verify(token)).rejects.toMatchObject({ reason: 'expired' });
      } finally {
        jest.useRealTimers();
      }
    });

    it('refuses alg "none" (crafted by hand), whatever the claims', async () => {
      const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ tenantId: 'acme', iss: ISSUER, aud: AUDIENCE, exp: now() + 60 })}.`;
      expect(await rejection(verifier.verify(unsigned))).toMatchObject({
        reason: 'alg-not-allowed',
      });
      // With a signature part copied from a valid token too.
      const valid = (await hs256()).split('.');
      const none = `${b64({ alg: 'none' })}.${valid[1]}.${valid[2]}`;
      expect(await rejection(verifier.verify(none))).toMatchObject({ reason: 'alg-not-allowed' });
    });

    it('refuses algorithms outside the allow-list before looking at any key', async () => {
      const hs512 = await new SignJWT({ tenantId: 'acme' })
        .setProtectedHeader({ alg: 'HS512' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(SECRET + SECRET));
      expect(await rejection(verifier.verify(hs512))).toMatchObject({ reason: 'alg-not-allowed' });
    });

    it('refuses a token without exp', async () => {
      const token = await new SignJWT({ tenantId: 'acme' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .sign(new TextEncoder().encode(SECRET));
      expect(await rejection(verifier.verify(token))).toMatchObject({ reason: 'malformed' });
    });

    it.each<[string, string, string | undefined]>([
      ['no header', 'missing', undefined],
      ['an empty header', 'missing', ''],
      ['another scheme', 'malformed', 'Basic dXNlcjpwYXNz'],
      ['an empty bearer', 'malformed', 'Bearer '],
      ['not a JWS', 'malformed', 'Bearer not-a-token'],
      [
        'a header that is not JSON',
        'malformed',
        `Bearer ${Buffer.from('{oops').toString('base64url')}.e30.c2ln`,
      ],
      ['a signed payload that is not JSON', 'malformed', `Bearer ${signedRaw('not json')}`],
      ['a signed payload that is not an object', 'malformed', `Bearer ${signedRaw('[1,2]')}`],
      [
        'an unsigned payload that is not JSON',
        'bad-signature',
        `Bearer ${b64({ alg: 'HS256' })}.bm90LWpzb24.c2ln`,
      ],
      ['an oversized token', 'malformed', `Bearer ${'a'.repeat(9000)}.b.c`],
    ])('answers %s with %s', async (_case, reason, header) => {
      expect(await rejection(verifier.verifyAuthorization(header))).toMatchObject({
        name: 'UnauthorizedTenantError',
        reason,
      });
    });
  });

  describe('RS256 / ES256 with a JWKS endpoint', () => {
    let server: http.Server;
    let jwksUrl: string;
    let rsa: Awaited<ReturnType<typeof generateKeyPair>>;
    let ec: Awaited<ReturnType<typeof generateKeyPair>>;
    let requests = 0;
    let verifier: TenantTokenVerifier;

    beforeAll(async () => {
      rsa = await generateKeyPair('RS256');
      ec = await generateKeyPair('ES256');
      const keys = [
        { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
        { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
      ];
      server = http.createServer((_req, res) => {
        requests++;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
      verifier = new TenantTokenVerifier({
        issuer: ISSUER,
        audience: [AUDIENCE, 'other'],
        jwksUrl,
      });
    });

    afterAll(() => new Promise((resolve) => server.close(resolve)));

    const signed = (alg: string, kid: string, key: CryptoKeyLike, claims: JWTPayload = {}) =>
      new SignJWT({ tenantId: 'globex', ...claims })
        .setProtectedHeader({ alg, kid })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime('5m')
        .sign(key);

    it('accepts RS256 and ES256 tokens signed by published keys, fetching the keys once', async () => {
      await expect(
        verifier.verify(await signed('RS256', 'rsa-1', rsa.privateKey)),
      ).resolves.toMatchObject({
        tenantId: 'globex',
      });
      await expect(
        verifier.verify(await signed('ES256', 'ec-1', ec.privateKey)),
      ).resolves.toMatchObject({
        tenantId: 'globex',
      });
      await verifier.verify(await signed('RS256', 'rsa-1', rsa.privateKey));
      expect(requests).toBe(1);
    });

    it('refuses a token signed by a key that is not published (same kid)', async () => {
      const attacker = await generateKeyPair('RS256');
      const forged = await signed('RS256', 'rsa-1', attacker.privateKey);
      expect(await rejection(verifier.verify(forged))).toMatchObject({ reason: 'bad-signature' });
    });

    it('refuses HS256, even signed with the public key as the secret (key confusion)', async () => {
      const publicPem = Buffer.from(JSON.stringify(await exportJWK(rsa.publicKey)));
      const confused = await new SignJWT({ tenantId: 'globex' })
        .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime('5m')
        .sign(publicPem);
      expect(await rejection(verifier.verify(confused))).toMatchObject({
        reason: 'alg-not-allowed',
      });
    });

    it('answers 503, not 401, when the JWKS endpoint cannot be reached', async () => {
      const down = new TenantTokenVerifier({
        issuer: ISSUER,
        audience: AUDIENCE,
        jwksUrl: 'http://127.0.0.1:9/jwks.json',
        jwksTimeoutMs: 500,
      });
      const error = await down
        .verify(await signed('RS256', 'rsa-1', rsa.privateKey))
        .catch((e) => e);
      expect(error).toBeInstanceOf(TenancyUnavailableError);
      expect(error).toMatchObject({ status: 503, reason: 'key-source-unavailable' });
    });
  });

  it('refuses unsafe configurations at construction', () => {
    const base = { issuer: ISSUER, audience: AUDIENCE };
    expect(() => new TenantTokenVerifier({ ...base, secret: 'short' })).toThrow(
      /at least 32 bytes/,
    );
    expect(
      () => new TenantTokenVerifier({ ...base, secret: SECRET, algorithms: ['none'] }),
    ).toThrow(/never/);
    expect(
      () => new TenantTokenVerifier({ ...base, secret: SECRET, algorithms: ['RS256'] }),
    ).toThrow(/jwksUrl/);
    expect(
      () =>
        new TenantTokenVerifier({ ...base, jwksUrl: 'http://x.test/jwks', algorithms: ['HS256'] }),
    ).toThrow(/need a secret/);
    expect(() => new TenantTokenVerifier({ ...base })).toThrow(/secret .* or a jwksUrl/);
    expect(() => new TenantTokenVerifier({ ...base, audience: [], secret: SECRET })).toThrow(
      /audience/,
    );
  });
});

type CryptoKeyLike = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
