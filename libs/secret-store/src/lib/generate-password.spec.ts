import { generatePassword } from './generate-password';

describe('generatePassword', () => {
  it('is 32 random bytes as base64url: 43 characters of [A-Za-z0-9_-]', () => {
    const password = generatePassword();
    expect(password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(password, 'base64url')).toHaveLength(32);
  });

  it('needs no escaping in a URL userinfo nor in a SQL string literal', () => {
    for (let i = 0; i < 200; i++) {
      const password = generatePassword();
      expect(encodeURIComponent(password)).toBe(password);
      expect(new URL(`postgres://user:${password}@host/db`).password).toBe(password);
      expect(password).not.toMatch(/['"\\;$\s]/);
    }
  });

  it('does not repeat itself', () => {
    const seen = new Set(Array.from({ length: 10_000 }, generatePassword));
    expect(seen.size).toBe(10_000);
  });

  it('uses the whole alphabet (no bias towards a subset)', () => {
    const chars = new Set(Array.from({ length: 500 }, generatePassword).join(''));
    expect(chars.size).toBe(64);
  });
});
