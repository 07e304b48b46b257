import 'reflect-metadata';
import { Controller, Get, INestApplication, Module, UseInterceptors } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SignJWT } from 'jose';
import { AddressInfo } from 'node:net';
import { FakePgServer } from '../../testing/fake-pg.server';
import { TenantConnectionManager } from '../connections/tenant-connection.manager';
import { TenantSuspendedError } from '../errors/tenant-suspended.error';
import { UnknownTenantError } from '../errors/unknown-tenant.error';
import { TenantConnectionInfo } from '../resolution/tenant-connection-info';
import { TenantResolver } from '../resolution/tenant.resolver';
import { TenancyModuleOptions } from './tenancy-module.options';
import { TenancyModule } from './tenancy.module';
import { TenantContext } from './tenant.context';
import { TenantInterceptor } from './tenant.interceptor';

const SECRET = 'nest-module-spec-secret-of-32-bytes!!';
const token = (tenantId: string | undefined, secret = SECRET) =>
  new SignJWT(tenantId === undefined ? {} : { tenantId })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('https://id.test')
    .setAudience('ledger')
    .setExpirationTime('1m')
    .sign(new TextEncoder().encode(secret));

const resolver: TenantResolver = {
  async resolve(tenantId, product): Promise<TenantConnectionInfo> {
    if (tenantId === 'suspended') throw new TenantSuspendedError(tenantId, product);
    if (tenantId.startsWith('unknown')) throw new UnknownTenantError(tenantId, product);
    return {
      tenantId,
      product,
      isolationMode: 'SCHEMA',
      state: tenantId === 'fresh' ? 'provisioning' : 'ready',
      postgres: {
        host: 'h',
        port: 1,
        database: 'p_ledger',
        schema: `t_${tenantId}`,
        username: `u_${tenantId}`,
        password: 'p',
        secretVersion: 1,
      },
    };
  },
};

@Controller('accounts')
@UseInterceptors(TenantInterceptor)
class AccountsController {
  constructor(private readonly tenant: TenantContext) {}

  @Get()
  async list() {
    const client = await this.tenant.postgres();
    const again = await this.tenant.postgres(); // one connection per request
    const { rows } = await client.query('SHOW search_path');
    return {
      tenantId: this.tenant.tenantId,
      searchPath: rows[0].search_path,
      same: client === again,
    };
  }

  @Get('boom')
  async boom() {
    await this.tenant.postgres();
    throw new Error('handler failed');
  }
}

@Controller('health')
class HealthController {
  @Get()
  ok() {
    return { ok: true };
  }
}

async function boot(options: TenancyModuleOptions) {
  @Module({
    imports: [TenancyModule.forRoot(options)],
    controllers: [AccountsController, HealthController],
  })
  class AppModule {}
  const app: INestApplication = await NestFactory.create(AppModule, {
    logger: false,
    abortOnError: false,
  });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const get = async (path: string, bearer?: string) => {
    const res = await fetch(`${base}${path}`, {
      headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
    });
    return { status: res.status, headers: res.headers, body: await res.json() };
  };
  return { app, get, manager: app.get(TenantConnectionManager) };
}

describe('TenancyModule', () => {
  describe('multi-tenant', () => {
    const server = new FakePgServer();
    let ctx: Awaited<ReturnType<typeof boot>>;

    beforeAll(async () => {
      ctx = await boot({
        product: 'ledger',
        multiTenant: true,
        resolver,
        token: { issuer: 'https://id.test', audience: 'ledger', secret: SECRET },
        postgres: { poolSize: 2, maxPools: 4, Client: server.Client },
      });
    });
    afterAll(async () => {
      await ctx.app.close();
      expect(server.live).toBe(0); // pools closed at shutdown
    });

    it('serves a verified tenant on its own pinned connection, released after the request', async () => {
      const res = await ctx.get('/accounts', await token('acme'));
      expect(res).toMatchObject({
        status: 200,
        body: { tenantId: 'acme', searchPath: '"t_acme"', same: true },
      });
      const other = await ctx.get('/accounts', await token('globex'));
      expect(other.body).toMatchObject({ tenantId: 'globex', searchPath: '"t_globex"' });
      expect(ctx.manager.stats().postgres?.leases).toBe(0);
    });

    it.each([
      ['no token', 401, 'missing', undefined],
      ['a forged token', 401, 'bad-signature', 'forged'],
      ['a token without tenant', 401, 'missing-tenant-claim', 'no-tenant'],
      ['an unknown tenant', 404, 'unknown-tenant', 'unknown-x'],
      ['a suspended tenant', 403, 'tenant-suspended', 'suspended'],
      ['a tenant still provisioning', 503, 'tenant-not-ready', 'fresh'],
    ])('answers %s with %i %s', async (_case, status, reason, who) => {
      const bearer =
        who === undefined
          ? undefined
          : who === 'forged'
            ? await token('acme', 'another-secret-that-is-at-least-32-bytes')
            : await token(who === 'no-tenant' ? undefined : who);
      const res = await ctx.get('/accounts', bearer);
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ statusCode: status, reason });
      if (status === 401) expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      if (status === 503) expect(res.headers.get('retry-after')).toBe('1');
      if (bearer) expect(JSON.stringify(res.body)).not.toContain(bearer.split('.')[2]);
    });

    it('releases the connection when the handler fails', async () => {
      const res = await ctx.get('/accounts/boom', await token('acme'));
      expect(res.status).toBe(500);
      expect(ctx.manager.stats().postgres?.leases).toBe(0);
    });

    it('TenantContext.run scopes work outside HTTP (an event handler) and releases after it', async () => {
      const context = ctx.app.get(TenantContext);
      const seen = await context.run('initech', async () => {
        const client = await context.postgres();
        return {
          tenantId: context.tenantId,
          path: (await client.query('SHOW search_path')).rows[0],
        };
      });
      expect(seen).toEqual({ tenantId: 'initech', path: { search_path: '"t_initech"' } });
      expect(ctx.manager.stats().postgres?.leases).toBe(0);
      expect(() => context.tenantId).toThrow(/no tenant in context/);
    });

    it('leaves routes without the interceptor alone', async () => {
      expect(await ctx.get('/health')).toMatchObject({ status: 200, body: { ok: true } });
    });
  });

  it('single-tenant mode: no token, one pre-configured database', async () => {
    const server = new FakePgServer();
    const ctx = await boot({
      product: 'ledger',
      multiTenant: false,
      singleTenant: { postgres: { user: 'ledger', database: 'ledger' } },
      postgres: { Client: server.Client },
    });
    try {
      const res = await ctx.get('/accounts');
      expect(res).toMatchObject({ status: 200, body: { tenantId: 'default', same: true } });
      expect(ctx.manager.stats().single).toMatchObject({ busy: 0 });
    } finally {
      await ctx.app.close();
    }
    expect(server.live).toBe(0);
  });
});
