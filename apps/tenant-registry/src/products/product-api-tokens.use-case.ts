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
    const products = this.dataSource.getRepository(ProductEntity);
    const { affected } = await products.increment({ name: product }, 'tokenGeneration', 1);
    if (!affected) throw new NotFoundException(`unknown product '${product}'`);
    const { tokenGeneration } = await products.findOneByOrFail({ name: product });
    return { product, generation: tokenGeneration, revokedAt: new Date() };
  }
}
