import { ProductTokenHasher } from './product-token.hasher';

describe('ProductTokenHasher', () => {
  const hasher = new ProductTokenHasher('k'.repeat(32));

  it('mints a random token naming its product, never the same twice', () => {
    const token = hasher.mint('ledger');
    expect(token).toMatch(/^ept_ledger\.[A-Za-z0-9_-]{43}$/);
    expect(hasher.mint('ledger')).not.toBe(token);
  });

  it('hashes a token under the key: the same token the same way, another key another way', () => {
    const token = hasher.mint('ledger');
    const hash = hasher.hash(token)!;
    expect(hash).toHaveLength(32);
    expect(hasher.hash(token)).toEqual(hash);
    expect(hash.toString('hex')).not.toContain(Buffer.from(token).toString('hex'));
    expect(new ProductTokenHasher('o'.repeat(32)).hash(token)).not.toEqual(hash);
  });

  it('hashes nothing that is not shaped like a token', () => {
    const token = hasher.mint('ledger');
    for (const bad of ['', 'ept_ledger', `${token}x`, token.slice(0, -1), `Bearer ${token}`]) {
      expect(hasher.hash(bad)).toBeNull();
    }
  });
});
