import { backoffDelay, isInfrastructureFailure, isNonRetryable } from './retry-policy';

describe('retry policy', () => {
  const policy = { maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 1_000 };

  it('grows exponentially with jitter and caps the delay', () => {
    expect(backoffDelay(policy, 1, () => 0)).toBe(50);
    expect(backoffDelay(policy, 1, () => 1)).toBe(100);
    expect(backoffDelay(policy, 3, () => 1)).toBe(400);
    expect(backoffDelay(policy, 10, () => 1)).toBe(1_000);
    expect(backoffDelay(policy, 10, () => 0)).toBe(500);
  });

  it('treats connection loss and serialization conflicts as infrastructure failures', () => {
    expect(isInfrastructureFailure(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(
      true,
    );
    expect(isInfrastructureFailure(Object.assign(new Error('x'), { code: '57P01' }))).toBe(true);
    expect(isInfrastructureFailure(Object.assign(new Error('x'), { code: '40001' }))).toBe(true);
    expect(isInfrastructureFailure(Object.assign(new Error('x'), { code: '23505' }))).toBe(false);
    expect(isInfrastructureFailure(new Error('boom'))).toBe(false);
  });

  it('treats a saturated server or pool as an infrastructure failure', () => {
    const tooMany = Object.assign(new Error('sorry, too many clients already'), { code: '53300' });
    expect(isInfrastructureFailure(tooMany)).toBe(true);
    expect(isInfrastructureFailure(new Error('timeout exceeded when trying to connect'))).toBe(
      true,
    );
    expect(isInfrastructureFailure(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isInfrastructureFailure(new Error('migration failed: timeout exceeded'))).toBe(false);
  });

  it('recognises errors that declare themselves non-retryable', () => {
    expect(isNonRetryable(Object.assign(new Error('x'), { retryable: false }))).toBe(true);
    expect(isNonRetryable(new Error('x'))).toBe(false);
  });
});
