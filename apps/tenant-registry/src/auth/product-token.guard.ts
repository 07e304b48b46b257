import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProductEntity } from '../products/product.entity';
import { ProductTokenIssuer } from './product-token.issuer';

/**
 * Product routes: the bearer token must be one issued for the product named in the path, not
 * expired, and of the product's current token generation (older ones were revoked).
 */
@Injectable()
export class ProductTokenGuard implements CanActivate {
  constructor(
    private readonly tokens: ProductTokenIssuer,
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
    const claims = match ? this.tokens.read(match[1]) : null;
    if (!claims || claims.product !== product) throw refuse('none given for this product');
    if (claims.expiresAt.getTime() <= Date.now()) throw refuse('the token has expired');
    const current = await this.dataSource
      .getRepository(ProductEntity)
      .findOne({ where: { name: product }, select: { tokenGeneration: true } });
    if (!current || claims.generation !== current.tokenGeneration) {
      throw refuse('the token was revoked');
    }
    return true;
  }
}
