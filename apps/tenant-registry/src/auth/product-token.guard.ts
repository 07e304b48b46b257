import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { ProductTokenIssuer } from './product-token.issuer';

/** Product routes: the bearer token must be the one issued for the product named in the path. */
@Injectable()
export class ProductTokenGuard implements CanActivate {
  constructor(private readonly tokens: ProductTokenIssuer) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{
      headers: Record<string, string | undefined>;
      params: Record<string, string | undefined>;
    }>();
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
    const product = request.params.product ?? '';
    if (!match || !this.tokens.verify(product, match[1])) {
      throw new UnauthorizedException(`a valid API token of product ${product} is required`);
    }
    return true;
  }
}
