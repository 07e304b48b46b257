import { productNameSchema, productVersionSchema, tenantIdSchema } from '@enclave/contracts';
import { BadRequestException } from '@nestjs/common';
import { ZodParamPipe } from './zod-param.pipe';

function refusal(pipe: ZodParamPipe<unknown>, value: string): string {
  try {
    pipe.transform(value);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return (error as BadRequestException).message;
  }
  throw new Error(`${JSON.stringify(value)} was accepted`);
}

describe('ZodParamPipe', () => {
  const tenantId = new ZodParamPipe('tenantId', tenantIdSchema);

  it('passes a value its schema accepts', () => {
    expect(tenantId.transform('acme-1')).toBe('acme-1');
    expect(new ZodParamPipe('product', productNameSchema).transform('ledger')).toBe('ledger');
    expect(new ZodParamPipe('version', productVersionSchema).transform('1.10.0')).toBe('1.10.0');
  });

  it.each([
    ['uppercase', 'ACME', /tenant id: 3-32 chars/],
    ['too short', 'ab', /at least 3 character/],
    ['too long', 'a'.repeat(33), /at most 32 character/],
    ['unicode', 'café', /tenant id: 3-32 chars/],
    ['a control character', 'ab\ncd', /tenant id: 3-32 chars/],
    ['NUL', 'ab\u0000cd', /tenant id: 3-32 chars/],
    ['a decoded slash', 'a/b', /tenant id: 3-32 chars/],
    ['dot-dot', '..', /at least 3 character.*; tenant id/],
    ['doubled dashes', 'ab--cd', /tenant id: 3-32 chars/],
  ])('refuses %s with 400 naming the parameter and every broken rule', (_, value, rule) => {
    const message = refusal(tenantId, value);
    expect(message).toMatch(/^path parameter tenantId: /);
    expect(message).toMatch(rule);
  });

  it('refuses versions that are not major.minor.patch', () => {
    const version = new ZodParamPipe('version', productVersionSchema);
    for (const value of ['1.0', 'v1.0.0', '01.0.0', '1.0.0-rc1', '9999999999.0.0']) {
      expect(refusal(version, value)).toMatch(/^path parameter version: version: major/);
    }
  });
});
