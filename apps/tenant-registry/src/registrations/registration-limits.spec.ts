import { registrationLimitsSchema } from '@enclave/contracts';
import { canonicalLimits, sameLimits } from './registration-limits';

describe('registration limits', () => {
  it('keeps fields in one order, drops empty sections, and is null for the defaults', () => {
    expect(
      canonicalLimits({ rabbitmq: { maxQueues: 5, maxConnections: 2 }, postgres: {} }),
    ).toEqual({ rabbitmq: { maxConnections: 2, maxQueues: 5 } });
    expect(canonicalLimits({ postgres: {}, rabbitmq: {} })).toBeNull();
    expect(canonicalLimits(undefined)).toBeNull();
  });

  it('tells the same limits asked for differently from other limits', () => {
    expect(sameLimits(null, {})).toBe(true);
    expect(
      sameLimits(
        { postgres: { connectionLimit: 3 } },
        { postgres: { connectionLimit: 3 }, rabbitmq: {} },
      ),
    ).toBe(true);
    expect(
      sameLimits({ postgres: { connectionLimit: 3 } }, { postgres: { connectionLimit: 4 } }),
    ).toBe(false);
    expect(sameLimits({ postgres: { connectionLimit: 3 } }, null)).toBe(false);
  });

  it.each([
    [{ postgres: { connectionLimit: 0 } }, 'connectionLimit'],
    [{ postgres: { connectionLimit: 1001 } }, 'connectionLimit'],
    [{ postgres: { connectionLimit: 2.5 } }, 'connectionLimit'],
    [{ postgres: { statementTimeoutMs: 99 } }, 'statementTimeoutMs'],
    [{ rabbitmq: { maxConnections: 0 } }, 'maxConnections'],
    [{ rabbitmq: { maxQueues: 100_001 } }, 'maxQueues'],
    [{ rabbitmq: { maxChannels: 3 } }, 'rabbitmq'],
    [{ mongodb: {} }, ''],
  ])('refuses %j, naming %s', (limits, field) => {
    const parsed = registrationLimitsSchema.safeParse(limits);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].path.join('.')).toContain(field);
  });

  it('accepts limits within the bounds', () => {
    const limits = {
      postgres: { connectionLimit: 1000, statementTimeoutMs: 100 },
      rabbitmq: { maxConnections: 1, maxQueues: 100_000 },
    };
    expect(registrationLimitsSchema.parse(limits)).toEqual(limits);
  });
});
