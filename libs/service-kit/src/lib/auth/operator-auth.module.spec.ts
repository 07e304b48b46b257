import 'reflect-metadata';
import { Controller, Get, Global, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AddressInfo } from 'node:net';
import { SERVICE_NAME } from '../bootstrap/service-name.token';
import { TraceContext } from '../context/trace-context';
import { HealthModule } from '../health/health.module';
import { OperatorAuthModule } from './operator-auth.module';
import { NamedOperatorTokens } from './named-operator-tokens';
import { OperatorAuthenticator } from './operator-authenticator';
import { BOOTSTRAP_OPERATOR, OperatorToken } from './operator-token';
import { requireOperatorToken } from './operator-token.middleware';
import { OwnAuthentication } from './own-authentication.decorator';

const TOKEN = 'operator-token-of-this-test-0123456789abcdef';
const NAMED = 'enop_named-token-of-ada-0123456789abcdef';

/** Stands for the registry's table: one named token, Ada's. */
class AdaOnly extends NamedOperatorTokens {
  actorFor(token: string) {
    return Promise.resolve(token === NAMED ? { kind: 'operator' as const, name: 'ada' } : null);
  }
}

@Controller('v1')
class StatusController {
  @Get('status')
  status() {
    return { ok: true };
  }

  /** What an event written by this call would be stamped with. */
  @Get('trace')
  async trace() {
    await Promise.resolve(); // across an await, as a use-case's transaction would be
    return TraceContext.current();
  }
}

/** Stands for the product API: authenticated by a guard of its own, not by the operator token. */
@OwnAuthentication()
@Controller('v1/products')
class ProductRoutes {
  @Get()
  list() {
    return [];
  }
}

@Global()
@Module({ providers: [{ provide: SERVICE_NAME, useValue: 'auth-spec' }], exports: [SERVICE_NAME] })
class ServiceNameModule {}

@Module({
  imports: [
    ServiceNameModule,
    OperatorAuthModule.forRoot(TOKEN, { namedTokens: AdaOnly }),
    HealthModule.forRoot([]),
  ],
  controllers: [StatusController, ProductRoutes],
})
class AppModule {}

describe('operator authentication', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    app = await NestFactory.create(AppModule, { logger: false });
    // As the registry mounts /docs: a route outside Nest's router, behind the middleware.
    app.use('/docs', requireOperatorToken(app.get(OperatorAuthenticator)));
    app.use('/docs', (_req: unknown, res: { end(body: string): void }) => res.end('swagger ui'));
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(() => app.close());

  const get = (path: string, authorization?: string) =>
    fetch(`${base}${path}`, { headers: authorization ? { authorization } : {} });

  it.each(['/v1/status', '/docs'])('refuses %s without the operator token', async (path) => {
    for (const authorization of [
      undefined,
      'Bearer wrong-token-wrong-token-wrong-token-000',
      `Bearer ${TOKEN}x`,
      `Basic ${TOKEN}`,
      TOKEN,
      `Bearer ${NAMED}x`,
      NAMED,
    ]) {
      const response = await get(path, authorization);
      expect([authorization, response.status]).toEqual([authorization, 401]);
      expect(await response.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    }
    expect((await get(path, `Bearer ${TOKEN}`)).status).toBe(200);
    expect((await get(path, `Bearer ${NAMED}`)).status).toBe(200);
  });

  it('runs a call made with a named token as the operator it names', async () => {
    const traced = await fetch(`${base}/v1/trace`, {
      headers: { authorization: `Bearer ${NAMED}` },
    });
    expect(await traced.json()).toEqual({ actor: { kind: 'operator', name: 'ada' } });
  });

  it('keeps /health and /health/ready public, the only routes marked so', async () => {
    expect((await get('/health')).status).toBe(200);
    expect((await get('/health/ready')).status).toBe(200);
  });

  it('leaves routes with their own authentication to their own guard', async () => {
    expect((await get('/v1/products')).status).toBe(200);
  });

  it('runs an authenticated call as the operator, under its correlation id when it is a UUID', async () => {
    const correlationId = '4f0c2a53-7b7e-4c61-9d0e-5b7f2f3b9a10';
    const traced = await fetch(`${base}/v1/trace`, {
      headers: { authorization: `Bearer ${TOKEN}`, 'x-correlation-id': correlationId },
    });
    expect(await traced.json()).toEqual({ actor: BOOTSTRAP_OPERATOR, correlationId });
    const other = await fetch(`${base}/v1/trace`, {
      headers: { authorization: `Bearer ${TOKEN}`, 'x-correlation-id': 'not-a-uuid-123' },
    });
    expect(await other.json()).toEqual({ actor: BOOTSTRAP_OPERATOR });
  });

  it('keeps only a digest of the token', () => {
    expect(JSON.stringify(app.get(OperatorToken))).not.toContain(TOKEN);
  });
});
