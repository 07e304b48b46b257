import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProductTokenIssuer } from '../auth/product-token.issuer';
import { ProductEntity } from './product.entity';

/**
 * A product's API tokens: issued with an expiry, at the product's token generation; revoking them
 * moves the generation on, so every token issued before stops working at once, for this product only.
 */
@Injectable()
export class ProductApiTokensUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: ProductTokenIssuer,
  ) {}

  async issue(product: string, ttlSeconds: number) {
    const known = await this.dataSource.getRepository(ProductEntity).findOneBy({ name: product });
    if (!known) throw new NotFoundException(`unknown product '${product}'`);
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    const token = this.tokens.issue(product, known.tokenGeneration, expiresAt);
    return { product, token, generation: known.tokenGeneration, expiresAt };
  }

  async revoke(product: string) {
    const rows: { token_generation: number }[][] | { token_generation: number }[] =
      await this.dataSource.query(
        `UPDATE tenant_registry.product SET token_generation = token_generation + 1
          WHERE name = $1 RETURNING token_generation`,
        [product],
      );
    // node-postgres through TypeORM answers an UPDATE … RETURNING as [rows, count].
    const updated = (Array.isArray(rows[0]) ? rows[0] : rows) as { token_generation: number }[];
    if (updated.length === 0) throw new NotFoundException(`unknown product '${product}'`);
    return { product, generation: updated[0].token_generation, revokedAt: new Date() };
  }
}
