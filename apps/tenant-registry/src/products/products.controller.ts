import { ProductCatalog, productCatalog } from '@enclave/product-catalog';
import { Controller, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ProductTokenIssuer } from '../auth/product-token.issuer';

@ApiTags('products')
@ApiBearerAuth()
@Controller('v1/products')
export class ProductsController {
  constructor(private readonly tokens: ProductTokenIssuer) {}

  @Get()
  @ApiOperation({ summary: 'The products tenants can be registered for.' })
  list() {
    return productCatalog.names().map((name) => {
      const manifest = productCatalog.get(name)!;
      return {
        name,
        version: manifest.version,
        defaultIsolationMode: manifest.defaultIsolationMode,
        resources: ProductCatalog.resourcesOf(manifest),
        schemaVersion: ProductCatalog.schemaVersionOf(manifest),
      };
    });
  }

  @Post(':product/api-token')
  @HttpCode(200)
  @ApiOperation({
    summary: "The API token a product's deployment uses to resolve its tenants.",
    description: 'The same every time for one PRODUCT_TOKEN_SECRET.',
  })
  @ApiResponse({ status: 200, description: '`{ product, token }`.' })
  @ApiResponse({ status: 404, description: 'Unknown product.' })
  apiToken(@Param('product') product: string) {
    if (!productCatalog.get(product)) throw new NotFoundException(`unknown product '${product}'`);
    return { product, token: this.tokens.issue(product) };
  }
}
