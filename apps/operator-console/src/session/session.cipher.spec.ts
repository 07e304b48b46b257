import { SessionCipher } from './session.cipher';

describe('SessionCipher', () => {
  const cipher = new SessionCipher('k'.repeat(32));

  it('opens what it sealed while the session lasts', () => {
    const sealed = cipher.seal({ token: 'op-token', expiresAt: Date.now() + 60_000 });
    expect(sealed).not.toContain('op-token');
    expect(cipher.open(sealed)).toBe('op-token');
  });

  it('refuses an expired, altered or foreign cookie', () => {
    const expired = cipher.seal({ token: 'op-token', expiresAt: Date.now() - 1 });
    expect(cipher.open(expired)).toBeNull();
    const sealed = cipher.seal({ token: 'op-token', expiresAt: Date.now() + 60_000 });
    const altered = `${sealed.slice(0, -2)}${sealed.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(cipher.open(altered)).toBeNull();
    expect(new SessionCipher('x'.repeat(32)).open(sealed)).toBeNull();
    expect(cipher.open(undefined)).toBeNull();
    expect(cipher.open('not-a-cookie')).toBeNull();
  });
});
