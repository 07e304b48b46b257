import { ProductCatalog, productCatalog } from '@enclave/product-catalog';
import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';

@ApiTags('products')
@ApiBearerAuth()
@Controller('v1/products')
export class ProductsController {
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
}
