import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Product API tokens, derived from one key: `ept_<product>_<HMAC-SHA256(key, product)>`. Nothing to
 * store, and a token names the one product it is good for; changing the key revokes them all.
 */
export class ProductTokenIssuer {
  constructor(private readonly key: string) {}

  issue(product: string): string {
    return `ept_${product}_${this.mac(product).toString('base64url')}`;
  }

  /** Constant-time check that `token` is the one issued for `product`. */
  verify(product: string, token: string): boolean {
    const expected = Buffer.from(this.issue(product));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac(product: string): Buffer {
    return createHmac('sha256', this.key).update(`enclave-product-token:v1:${product}`).digest();
  }
}
