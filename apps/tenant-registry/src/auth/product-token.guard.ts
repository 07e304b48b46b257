import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProductApiTokenEntity } from '../products/product-api-token.entity';
import { ProductTokenHasher } from './product-token.hasher';

/**
 * Product routes: the bearer token must be one issued for the product named in the path, neither
 * revoked nor expired. Checked against the registry's database on every request, so a revocation
 * holds from the next request on.
 */
@Injectable()
export class ProductTokenGuard implements CanActivate {
  constructor(
    private readonly hasher: ProductTokenHasher,
    private readonly dataSource: DataSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{
      headers: Record<string, string | undefined>;
      params: Record<string, string | undefined>;
    }>();
    const product = request.params.product ?? '';
    const refuse = (why: string) =>
      new UnauthorizedException(`a valid API token of product ${product} is required: ${why}`);
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
    const hash = match ? this.hasher.hash(match[1]) : null;
    const token = hash
      ? await this.dataSource.getRepository(ProductApiTokenEntity).findOneBy({ tokenHash: hash })
      : null;
    // Another product's token is told no more than a made-up one.
    if (!token || token.product !== product) throw refuse('none given for this product');
    if (token.revokedAt) throw refuse('the token was revoked');
    if (token.expiresAt.getTime() <= Date.now()) throw refuse('the token has expired');
    return true;
  }
}
