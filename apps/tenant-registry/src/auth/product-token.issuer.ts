import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a product API token says, once its signature checks out. */
export interface ProductTokenClaims {
  readonly product: string;
  /** The product's token generation when it was issued; revoking moves the product's on. */
  readonly generation: number;
  readonly expiresAt: Date;
}

const TOKEN = /^ept_([a-z][a-z0-9-]{2,19})\.(\d{1,9})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/**
 * Product API tokens, signed with one key: `ept_<product>.<generation>.<expiry>.<HMAC-SHA256>`.
 * Nothing to store per token: a token names the one product it is good for, until it expires or
 * the product's tokens are revoked (its generation moves on); changing the key revokes them all.
 */
export class ProductTokenIssuer {
  constructor(private readonly key: string) {}

  issue(product: string, generation: number, expiresAt: Date): string {
    const exp = Math.floor(expiresAt.getTime() / 1000);
    return `ept_${product}.${generation}.${exp}.${this.mac(product, generation, exp).toString('base64url')}`;
  }

  /** The token's claims when its signature is valid (constant-time), else null. Expiry is not checked. */
  read(token: string): ProductTokenClaims | null {
    const match = TOKEN.exec(token);
    if (!match) return null;
    const [, product, generationText, expText, mac] = match;
    const generation = Number(generationText);
    const exp = Number(expText);
    const expected = this.mac(product, generation, exp);
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    return { product, generation, expiresAt: new Date(exp * 1000) };
  }

  private mac(product: string, generation: number, exp: number): Buffer {
    return createHmac('sha256', this.key)
      .update(`enclave-product-token:v2:${product}:${generation}:${exp}`)
      .digest();
  }
}
