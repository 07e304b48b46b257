import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ProductApi } from '../auth/product-api.decorator';
import { ProductTokenGuard } from '../auth/product-token.guard';
import { ProductParam, TenantIdParam } from '../http/path-params.decorator';
import { ResolveTenantConnectionUseCase } from './resolve-tenant-connection.use-case';

/** Called by products (their tenancy SDK) with the product's own API token, not by operators. */
@ApiTags('product API')
@ApiBearerAuth()
@ProductApi()
@UseGuards(ProductTokenGuard)
@Controller('v1/products/:product/tenants/:tenantId')
export class TenantConnectionController {
  constructor(private readonly resolveConnection: ResolveTenantConnectionUseCase) {}

  @Get('connection')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "One tenant's registration of this product.",
    description: "Its state and, when it may be served, its resources' names and credentials.",
  })
  @ApiResponse({
    status: 200,
    description: 'state is ready, provisioning, failed or suspended; credentials only when ready.',
  })
  @ApiResponse({ status: 401, description: "Not this product's API token." })
  @ApiResponse({ status: 404, description: 'The tenant has no registration of this product.' })
  connection(@ProductParam() product: string, @TenantIdParam() tenantId: string) {
    return this.resolveConnection.execute(product, tenantId);
  }
}
