import { ProductTokenIssuer } from './product-token.issuer';

describe('ProductTokenIssuer', () => {
  const issuer = new ProductTokenIssuer('k'.repeat(32));
  const later = new Date(Date.UTC(2030, 0, 1));

  it('issues a token naming the product, its generation and expiry, signed', () => {
    const token = issuer.issue('ledger', 3, later);
    expect(token).toMatch(/^ept_ledger\.3\.\d+\.[A-Za-z0-9_-]{43}$/);
    expect(issuer.read(token)).toEqual({ product: 'ledger', generation: 3, expiresAt: later });
  });

  it('refuses a token whose product, generation, expiry or signature was changed', () => {
    const token = issuer.issue('ledger', 1, later);
    const [head, generation, exp, mac] = token.split('.');
    expect(issuer.read(`ept_tracer.${generation}.${exp}.${mac}`)).toBeNull();
    expect(issuer.read(`${head}.2.${exp}.${mac}`)).toBeNull();
    expect(issuer.read(`${head}.${generation}.${Number(exp) + 1}.${mac}`)).toBeNull();
    const flipped = mac.slice(0, -1) + (mac.endsWith('A') ? 'B' : 'A');
    expect(issuer.read(`${head}.${generation}.${exp}.${flipped}`)).toBeNull();
    expect(issuer.read('ept_ledger_oldformat')).toBeNull();
  });

  it('refuses a token signed with another key', () => {
    const other = new ProductTokenIssuer('o'.repeat(32));
    expect(issuer.read(other.issue('ledger', 1, later))).toBeNull();
  });
});
