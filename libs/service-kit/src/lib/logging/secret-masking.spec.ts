import {
  REDACTED,
  isSecretKey,
  maskLogFields,
  maskSecrets,
  maskUrlCredentials,
} from './secret-masking';

describe('maskUrlCredentials', () => {
  it('hides passwords in every URL of a message', () => {
    const text =
      'connect postgres://tenant_a:S3cr3t!x@127.0.0.1:5432/db failed; amqp://u:p4ss@h:5672/v too';
    const masked = maskUrlCredentials(text);
    expect(masked).not.toContain('S3cr3t!x');
    expect(masked).not.toContain('p4ss');
    expect(masked).toContain('postgres://tenant_a:***@127.0.0.1:5432/db');
    expect(masked).toContain('amqp://u:***@h:5672/v');
  });

  it('leaves URLs without credentials alone', () => {
    expect(maskUrlCredentials('see http://127.0.0.1:7100/health')).toBe(
      'see http://127.0.0.1:7100/health',
    );
  });
});

describe('isSecretKey', () => {
  it.each([
    'password',
    'dbPassword',
    'PASSWD',
    'pwd',
    'secret',
    'PRODUCT_TOKEN_SECRET',
    'token',
    'accessToken',
    'ADMIN_API_TOKEN',
    'apiKey',
    'x-api-key',
    'authorization',
    'Cookie',
    'set-cookie',
    'connectionString',
    'privateKey',
    'encryption_key',
  ])('%s is secret', (key) => expect(isSecretKey(key)).toBe(true));

  it.each(['tenantId', 'reason', 'message', 'host', 'user', 'key', 'rotationId', 'DATABASE_URL'])(
    '%s is not',
    (key) => expect(isSecretKey(key)).toBe(false),
  );
});

describe('maskSecrets', () => {
  it('censors a secret field three levels deep, and in arrays, keeping the rest readable', () => {
    const masked = maskSecrets({
      tenantId: 't-1',
      a: { b: { c: { password: 'S3cr3t!x', port: 5432 } } },
      list: [{ apiKey: 'k-123' }, [{ token: 'tok-9', ok: true }]],
    });
    expect(masked).toEqual({
      tenantId: 't-1',
      a: { b: { c: { password: REDACTED, port: 5432 } } },
      list: [{ apiKey: REDACTED }, [{ token: REDACTED, ok: true }]],
    });
  });

  it('censors a secret field whatever its value: objects and numbers too', () => {
    expect(maskSecrets({ credentials: { secret: { v: 1 }, pin: 1234, password: 1234 } })).toEqual({
      credentials: { secret: REDACTED, pin: 1234, password: REDACTED },
    });
  });

  it('masks URL credentials in any string field at any depth (reasons, messages)', () => {
    const masked = maskSecrets({
      stage: { outcome: { reason: 'connect postgres://tenant:S3cr3t!x@db:5432/t refused' } },
      hosts: ['amqp://u:p4ss@h:5672/v'],
    });
    expect(JSON.stringify(masked)).not.toMatch(/S3cr3t!x|p4ss/);
    expect(masked).toEqual({
      stage: { outcome: { reason: 'connect postgres://tenant:***@db:5432/t refused' } },
      hosts: ['amqp://u:***@h:5672/v'],
    });
  });

  it('makes errors plain, masking their message, stack, cause and extra fields', () => {
    const cause = new Error('auth failed for mongodb://root:R00tPw@mongo:27017');
    const error = Object.assign(new Error('stage failed: postgres://a:Pw1@h/db', { cause }), {
      code: 'E_STAGE',
      connectionString: 'postgres://a:Pw1@h/db',
      details: { password: 'Pw1' },
    });
    const masked = maskSecrets({ nested: { error } }) as {
      nested: { error: Record<string, unknown> };
    };
    const text = JSON.stringify(masked);
    expect(text).not.toMatch(/Pw1|R00tPw/);
    expect(masked.nested.error).toMatchObject({
      type: 'Error',
      message: 'stage failed: postgres://a:***@h/db',
      code: 'E_STAGE',
      connectionString: REDACTED,
      details: { password: REDACTED },
      cause: { message: 'auth failed for mongodb://root:***@mongo:27017' },
    });
    expect(masked.nested.error.stack).toContain('stage failed: postgres://a:***@h/db');
  });

  it('follows toJSON like JSON.stringify does (URL objects, dates) and survives cycles', () => {
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    const when = new Date('2030-01-01T00:00:00Z');
    expect(maskSecrets({ url: new URL('postgres://u:pw@h/db'), when, cyclic })).toEqual({
      url: 'postgres://u:***@h/db',
      when: '2030-01-01T00:00:00.000Z',
      cyclic: { name: 'x', self: '[circular]' },
    });
  });

  it('does not change what it is given', () => {
    const given = { a: { password: 'p' } };
    maskSecrets(given);
    expect(given).toEqual({ a: { password: 'p' } });
  });

  it('cuts what is deeper than it walks instead of printing it', () => {
    let deep: Record<string, unknown> = { password: 'buried' };
    for (let i = 0; i < 40; i++) deep = { next: deep };
    expect(JSON.stringify(maskSecrets(deep))).not.toContain('buried');
  });
});

describe('maskLogFields', () => {
  it('masks every field but those a serializer takes afterwards', () => {
    const request = { headers: { authorization: 'Bearer t' } };
    const fields = maskLogFields(
      { req: request, token: 't', ctx: { secret: 's' } },
      new Set(['req']),
    );
    expect(fields).toEqual({ req: request, token: REDACTED, ctx: { secret: REDACTED } });
    expect(fields.req).toBe(request);
  });
});
