import { readIntakeRequest } from './intake-request.reader';
import { bytesOf } from './intake.settings';
import { intakePublishersSchema } from './intake-publishers';

const publishers = intakePublishersSchema.parse('signup=ledger+tracer,billing=*');
const requestId = '5b3c1f0e-8d2a-4c1b-9f3e-2a7d6c4b1e90';
const read = (value: unknown, publisher = 'signup', max = 16 * 1024) =>
  readIntakeRequest(
    value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    publisher,
    publishers,
    max,
  );
const register = (product: string, publisher = 'signup') => ({
  kind: 'register-service',
  requestId,
  publisher,
  tenantId: 'acme-corp',
  registration: { product },
});

describe('readIntakeRequest', () => {
  it('reads a valid request with the admin API defaults', () => {
    expect(
      read({
        kind: 'create-tenant',
        requestId,
        publisher: 'signup',
        tenant: { id: 'acme-corp', displayName: 'Acme' },
      }),
    ).toEqual({
      ok: true,
      request: {
        kind: 'create-tenant',
        requestId,
        publisher: 'signup',
        tenant: { id: 'acme-corp', displayName: 'Acme', metadata: {} },
      },
    });
    expect(read(register('tracer')).ok).toBe(true);
    expect(read(register('crm', 'billing'), 'billing').ok).toBe(true);
  });

  it('rejects malformed JSON and empty messages without ids', () => {
    expect(read('{"kind": ')).toEqual({
      ok: false,
      rejection: { reason: expect.stringMatching(/^malformed JSON: /) },
    });
    expect(read(null)).toMatchObject({ ok: false, rejection: { reason: /empty message/ } });
  });

  it('rejects an oversized request, answering it when its ids can be read', () => {
    const big = { ...register('ledger'), padding: 'x'.repeat(2000) };
    expect(read(big, 'signup', 1024)).toEqual({
      ok: false,
      rejection: {
        reason: expect.stringMatching(/^request too large: \d+ bytes, at most 1024$/),
        // Still answered: its request id could be read.
        requestId,
        tenantId: 'acme-corp',
        product: 'ledger',
      },
    });
    expect(read(`{"requestId": "${requestId}", "x": "${'y'.repeat(2000)}`, 'signup', 1024)).toEqual(
      {
        ok: false,
        rejection: { reason: expect.stringMatching(/^request too large/) },
      },
    );
  });

  it('rejects a schema violation with the ids that could be read, for the reply', () => {
    const result = read({ ...register('ledger'), registration: { product: 'ledger', x: 1 } });
    expect(result).toEqual({
      ok: false,
      rejection: {
        reason: expect.stringMatching(/^invalid request: registration: Unrecognized key/),
        requestId,
        tenantId: 'acme-corp',
        product: 'ledger',
      },
    });
    const noIds = read({ kind: 'create-tenant', requestId: 'nope', tenant: { id: 'Bad Id!' } });
    expect(noIds.ok ? null : noIds.rejection).toEqual({ reason: expect.any(String) });
  });

  it('rejects a request naming another publisher than its topic', () => {
    expect(read(register('ledger', 'billing'))).toMatchObject({
      ok: false,
      rejection: {
        reason: "publisher 'billing' does not match the topic's publisher 'signup'",
        requestId,
        tenantId: 'acme-corp',
      },
    });
  });

  it('rejects the registration of a product its publisher may not act for', () => {
    expect(read(register('crm'))).toMatchObject({
      ok: false,
      rejection: { reason: 'foreign product: publisher signup may not act for crm', requestId },
    });
  });
});

describe('bytesOf', () => {
  it('reads API_BODY_LIMIT sizes', () => {
    expect(bytesOf('16kb')).toBe(16384);
    expect(bytesOf('1mb')).toBe(1048576);
    expect(() => bytesOf('16')).toThrow();
  });
});
