import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { ProductTokenHasher } from '../auth/product-token.hasher';
import { ProductApiTokenEntity } from './product-api-token.entity';
import { ProductEntity } from './product.entity';

/** What operators see of a token: never the token itself, which was shown once at issue. */
interface ProductApiTokenView {
  readonly id: string;
  readonly product: string;
  readonly name: string | null;
  readonly state: 'active' | 'expired' | 'revoked';
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
}

/**
 * A product's API tokens: each issued with an expiry and stored as its keyed hash, listed without
 * secrets, and revoked one by one (or all of one product's at once) without touching another product's.
 */
@Injectable()
export class ProductApiTokensUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: ProductTokenHasher,
  ) {}

  async issue(product: string, ttlSeconds: number, name?: string) {
    await this.knownProduct(product);
    const token = this.hasher.mint(product);
    const row = await this.tokens().save({
      id: randomUUID(),
      product,
      name: name ?? null,
      tokenHash: this.hasher.hash(token)!,
      expiresAt: new Date(Date.now() + ttlSeconds * 1000),
      revokedAt: null,
    });
    return { ...view(row), token };
  }

  async list(product: string): Promise<ProductApiTokenView[]> {
    await this.knownProduct(product);
    const rows = await this.tokens().find({ where: { product }, order: { createdAt: 'DESC' } });
    return rows.map(view);
  }

  /** Idempotent: revoking a revoked token keeps the time it was first revoked. */
  async revoke(product: string, id: string): Promise<ProductApiTokenView> {
    await this.tokens().update({ id, product, revokedAt: IsNull() }, { revokedAt: new Date() });
    const row = await this.tokens().findOneBy({ id, product });
    if (!row) throw new NotFoundException(`${product} has no API token ${id}`);
    return view(row);
  }

  /** Every token of the product not yet revoked stops working at once. */
  async revokeAll(product: string) {
    await this.knownProduct(product);
    const revokedAt = new Date();
    const { affected } = await this.tokens().update(
      { product, revokedAt: IsNull() },
      { revokedAt },
    );
    return { product, revoked: affected ?? 0, revokedAt };
  }

  private tokens() {
    return this.dataSource.getRepository(ProductApiTokenEntity);
  }

  private async knownProduct(product: string): Promise<void> {
    if (!(await this.dataSource.getRepository(ProductEntity).existsBy({ name: product })))
      throw new NotFoundException(`unknown product '${product}'`);
  }
}

function view(row: ProductApiTokenEntity): ProductApiTokenView {
  const state: ProductApiTokenView['state'] = row.revokedAt
    ? 'revoked'
    : row.expiresAt.getTime() <= Date.now()
      ? 'expired'
      : 'active';
  const { id, product, name, createdAt, expiresAt, revokedAt } = row;
  return { id, product, name, state, createdAt, expiresAt, revokedAt };
}
