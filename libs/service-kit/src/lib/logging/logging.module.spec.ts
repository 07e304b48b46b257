import 'reflect-metadata';
import { Controller, Get, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { AddressInfo } from 'node:net';
import { LoggingModule } from './logging.module';

const DEEP_PASSWORD = 'Deep-S3cr3t-three-levels';
const REASON_PASSWORD = 'Reason-Pw-in-url';
const ERROR_PASSWORD = 'Error-Pw-in-message';
const BEARER = 'operator-bearer-0123456789abcdef';
const UNHANDLED_PASSWORD = 'Unhandled-Pw-in-url';

/** Logs the way the apps do: Nest's Logger, objects first, errors as they come. */
@Controller('work')
class WorkController {
  private readonly logger = new Logger('WorkController');

  @Get()
  work() {
    this.logger.log(
      { tenantId: 't-1', registration: { stage: { credentials: { password: DEEP_PASSWORD } } } },
      'stage applied',
    );
    this.logger.warn(
      {
        tenantId: 't-1',
        reason: `connect postgres://tenant_a:${REASON_PASSWORD}@db:5432/t refused`,
      },
      'stage failed',
    );
    this.logger.error(new Error(`login to mongodb://root:${ERROR_PASSWORD}@mongo:27017 failed`));
    return { ok: true };
  }

  /** Nest's exception handler logs what a route throws, stack and all. */
  @Get('fail')
  fail() {
    throw new Error(`query on postgres://svc:${UNHANDLED_PASSWORD}@db:5432/x failed`);
  }
}

interface LogLine {
  level: string;
  message?: string;
  err?: { stack: string };
  req?: { url: string; headers: Record<string, string> };
  res?: { statusCode: number };
  [field: string]: unknown;
}

/**
 * The real logging stack (nestjs-pino, pino-http, pino) of every app, writing into a captured
 * stream: no secret reaches a line, ordinary fields stay readable.
 */
describe('LoggingModule', () => {
  const lines: string[] = [];
  let app: NestExpressApplication;
  let base: string;

  @Module({
    imports: [
      LoggingModule.forRoot({
        service: 'logging-spec',
        level: 'info',
        stream: { write: (line: string) => void lines.push(line) },
      }),
    ],
    controllers: [WorkController],
  })
  class AppModule {}

  beforeAll(async () => {
    app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true });
    app.useLogger(app.get(PinoNestLogger));
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const response = await fetch(`${base}/work`, {
      headers: {
        authorization: `Bearer ${BEARER}`,
        cookie: `session=${BEARER}`,
        'x-correlation-id': 'corr-12345678',
      },
    });
    expect(response.status).toBe(200);
    expect((await fetch(`${base}/work/fail`)).status).toBe(500);
  });

  afterAll(() => app.close());

  const parsed = () => lines.map((line) => JSON.parse(line) as LogLine);
  const lineWith = (message: string) => parsed().find((l) => l.message === message)!;

  it('writes no secret on any line', () => {
    expect(lines.length).toBeGreaterThanOrEqual(4);
    const all = lines.join('');
    for (const secret of [
      DEEP_PASSWORD,
      REASON_PASSWORD,
      ERROR_PASSWORD,
      UNHANDLED_PASSWORD,
      BEARER,
    ]) {
      expect([secret, all.includes(secret)]).toEqual([secret, false]);
    }
  });

  it('masks a password three levels deep and keeps the other fields readable', () => {
    const line = lineWith('stage applied');
    expect(line).toMatchObject({
      level: 'info',
      service: 'logging-spec',
      context: 'WorkController',
      tenantId: 't-1',
      correlationId: 'corr-12345678',
      registration: { stage: { credentials: { password: '[redacted]' } } },
    });
  });

  it('masks the credentials of a URL inside an error reason', () => {
    expect(lineWith('stage failed')).toMatchObject({
      level: 'warn',
      tenantId: 't-1',
      reason: 'connect postgres://tenant_a:***@db:5432/t refused',
    });
  });

  it("masks an error's message, in the line's message and in its err field", () => {
    const line = lineWith('login to mongodb://root:***@mongo:27017 failed');
    expect(line.level).toBe('error');
    expect(line.err).toMatchObject({
      type: 'Error',
      message: 'login to mongodb://root:***@mongo:27017 failed',
    });
    expect(line.err!.stack).toContain('mongodb://root:***@mongo');
  });

  it('masks what an unhandled exception carries', () => {
    const line = lineWith('query on postgres://svc:***@db:5432/x failed');
    expect(line).toMatchObject({ level: 'error', context: 'ExceptionsHandler' });
    expect(line.err!.stack).toContain('postgres://svc:***@db');
  });

  it('censors the credentials of the request line, keeping the request readable', () => {
    const line = parsed().find((l) => l.req?.url === '/work' && l.res)!;
    expect(line.message).toBe('request completed');
    expect(line.res!.statusCode).toBe(200);
    expect(line.req).toMatchObject({ method: 'GET', url: '/work' });
    expect(line.req!.headers).toMatchObject({
      authorization: '[redacted]',
      cookie: '[redacted]',
      'x-correlation-id': 'corr-12345678',
    });
  });
});
