import { InvalidSecretRefError } from './errors/invalid-secret-ref.error';
import { secretInput } from './secret-input.validation';

describe('secretInput', () => {
  it.each([
    'tenants/acme/orders/postgres',
    'a',
    '0/1/2',
    'tenants/t-1_x/product-9/rabbitmq',
    'x'.repeat(251),
  ])('accepts the path %s', (path) => {
    expect(() => secretInput.path(path)).not.toThrow();
  });

  it.each([
    ['empty', ''],
    ['leading slash', '/tenants/a'],
    ['trailing slash', 'tenants/a/'],
    ['empty segment', 'tenants//a'],
    ['parent segment', 'tenants/../admin'],
    ['dot segment', 'tenants/./a'],
    ['upper case', 'Tenants/a'],
    ['space', 'tenants/a b'],
    ['query', 'tenants/a?version=1'],
    ['percent escape', 'tenants/%2e%2e'],
    ['leading dash', '-tenants'],
    ['leading underscore', '_tenants'],
    ['too long', 'x'.repeat(252)],
    ['not a string', 42 as unknown as string],
  ])('rejects a path with %s', (_why, path) => {
    expect(() => secretInput.path(path)).toThrow(InvalidSecretRefError);
  });

  it('accepts positive integer versions or none, and rejects the rest', () => {
    expect(() => secretInput.version(undefined)).not.toThrow();
    expect(() => secretInput.version(1)).not.toThrow();
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
      expect(() => secretInput.version(bad)).toThrow(InvalidSecretRefError);
    }
  });

  it('accepts flat string records and never echoes rejected data', () => {
    expect(() => secretInput.data({ username: 'u', password: 'p' })).not.toThrow();
    expect(() => secretInput.data({})).not.toThrow();
    for (const bad of [
      null,
      ['hunter2'],
      { password: 7 },
      { nested: { password: 'hunter2' } },
      'hunter2',
    ]) {
      let error: unknown;
      try {
        secretInput.data(bad as never);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});
