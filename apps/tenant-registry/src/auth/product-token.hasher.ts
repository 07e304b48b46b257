import { createHmac, randomBytes } from 'node:crypto';

const TOKEN = /^ept_([a-z][a-z0-9-]{2,19})\.[A-Za-z0-9_-]{43}$/;

/**
 * Product API tokens: `ept_<product>.<32 random bytes, base64url>`. The registry keeps only
 * HMAC-SHA256(PRODUCT_TOKEN_SECRET, token), so its database (or a backup of it) opens no product
 * route, and changing the key revokes every token at once.
 */
export class ProductTokenHasher {
  constructor(private readonly key: string) {}

  /** A fresh token for a product; shown to the operator once and never stored. */
  mint(product: string): string {
    return `ept_${product}.${randomBytes(32).toString('base64url')}`;
  }

  /** The stored form of a token, or null for anything that is not shaped like one. */
  hash(token: string): Buffer | null {
    if (!TOKEN.test(token)) return null;
    return createHmac('sha256', this.key).update(`enclave-product-token:v3:${token}`).digest();
  }
}
