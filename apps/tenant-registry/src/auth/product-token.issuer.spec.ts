import { ProductTokenIssuer } from './product-token.issuer';

describe('ProductTokenIssuer', () => {
  const issuer = new ProductTokenIssuer('k'.repeat(32));

  it('issues the same token for a product every time, naming the product', () => {
    const token = issuer.issue('ledger');
    expect(token).toMatch(/^ept_ledger_[A-Za-z0-9_-]{43}$/);
    expect(issuer.issue('ledger')).toBe(token);
  });

  it('accepts a product’s token for that product only', () => {
    expect(issuer.verify('ledger', issuer.issue('ledger'))).toBe(true);
    expect(issuer.verify('tracer', issuer.issue('ledger'))).toBe(false);
    expect(issuer.verify('ledger', issuer.issue('tracer'))).toBe(false);
  });

  it('refuses tampered, truncated and foreign-key tokens', () => {
    const token = issuer.issue('ledger');
    const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect(issuer.verify('ledger', flipped)).toBe(false);
    expect(issuer.verify('ledger', token.slice(0, -1))).toBe(false);
    expect(issuer.verify('ledger', `${token}A`)).toBe(false);
    expect(issuer.verify('ledger', '')).toBe(false);
    expect(issuer.verify('ledger', new ProductTokenIssuer('x'.repeat(32)).issue('ledger'))).toBe(
      false,
    );
  });
});
