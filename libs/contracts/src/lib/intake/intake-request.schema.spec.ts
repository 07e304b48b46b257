import { intakeReplySchema } from './intake-reply.schema';
import { intakeRequestSchema } from './intake-request.schema';

const requestId = '5b3c1f0e-8d2a-4c1b-9f3e-2a7d6c4b1e90';

describe('intakeRequestSchema', () => {
  it('accepts a create-tenant request and applies the admin API defaults', () => {
    const parsed = intakeRequestSchema.parse({
      kind: 'create-tenant',
      requestId,
      publisher: 'signup',
      tenant: { id: 'acme-corp', displayName: '  Acme  ' },
    });
    expect(parsed).toEqual({
      kind: 'create-tenant',
      requestId,
      publisher: 'signup',
      tenant: { id: 'acme-corp', displayName: 'Acme', metadata: {} },
    });
  });

  it('accepts a register-service request', () => {
    const parsed = intakeRequestSchema.parse({
      kind: 'register-service',
      requestId,
      publisher: 'signup',
      tenantId: 'acme-corp',
      registration: { product: 'ledger', isolationMode: 'SCHEMA' },
    });
    expect(parsed.kind).toBe('register-service');
  });

  it('accepts suspend-tenant (with the admin API reason rules) and resume-tenant', () => {
    const base = { requestId, publisher: 'signup', tenantId: 'acme-corp' };
    expect(
      intakeRequestSchema.safeParse({
        ...base,
        kind: 'suspend-tenant',
        suspension: { reason: ' unpaid ' },
      }).data,
    ).toMatchObject({ suspension: { reason: 'unpaid' } });
    expect(
      intakeRequestSchema.safeParse({
        ...base,
        kind: 'suspend-tenant',
        suspension: { reason: ' ' },
      }).success,
    ).toBe(false);
    expect(intakeRequestSchema.safeParse({ ...base, kind: 'resume-tenant' }).success).toBe(true);
  });

  it('accepts offboard-tenant with or without a reason (the admin API body is optional)', () => {
    const base = { requestId, publisher: 'signup', tenantId: 'acme-corp', kind: 'offboard-tenant' };
    expect(intakeRequestSchema.parse(base)).toMatchObject({ offboarding: {} });
    expect(
      intakeRequestSchema.parse({ ...base, offboarding: { reason: ' churned ' } }),
    ).toMatchObject({ offboarding: { reason: 'churned' } });
    expect(intakeRequestSchema.safeParse({ ...base, offboarding: { force: true } }).success).toBe(
      false,
    );
  });

  it.each([
    ['an unknown kind', { kind: 'drop-tenant', requestId, publisher: 'signup', tenantId: 'acme' }],
    [
      'a request id that is not a uuid',
      {
        kind: 'create-tenant',
        requestId: 'x',
        publisher: 'signup',
        tenant: { id: 'acme', displayName: 'A' },
      },
    ],
    [
      'a field the admin API refuses',
      {
        kind: 'register-service',
        requestId,
        publisher: 'signup',
        tenantId: 'acme-corp',
        registration: { product: 'ledger', secretPath: 'tenants/other/ledger/postgres' },
      },
    ],
    [
      'an extra top-level field',
      {
        kind: 'create-tenant',
        requestId,
        publisher: 'signup',
        tenant: { id: 'acme', displayName: 'A' },
        actor: 'x',
      },
    ],
    [
      'a bad publisher name',
      {
        kind: 'create-tenant',
        requestId,
        publisher: 'Signup!',
        tenant: { id: 'acme', displayName: 'A' },
      },
    ],
  ])('refuses %s', (_label, input) => {
    expect(intakeRequestSchema.safeParse(input).success).toBe(false);
  });
});

describe('intakeReplySchema', () => {
  it('requires a reason on a rejection', () => {
    expect(
      intakeReplySchema.safeParse({ requestId, status: 'rejected', tenantId: 'acme-corp' }).success,
    ).toBe(false);
    expect(
      intakeReplySchema.safeParse({
        requestId,
        status: 'rejected',
        reason: 'unknown product: nope',
        tenantId: 'acme-corp',
        product: 'nope',
      }).success,
    ).toBe(true);
  });

  it('answers a request that named no valid tenant without one', () => {
    expect(
      intakeReplySchema.safeParse({ requestId, status: 'rejected', reason: 'tenant.id invalid' })
        .success,
    ).toBe(true);
  });
});
