import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ProductParam } from '../http/path-params.decorator';
import { ProductFleetReader } from './product-fleet.reader';

@ApiTags('rollouts')
@ApiBearerAuth()
@Controller('v1/products/:product/fleet')
export class ProductFleetController {
  constructor(private readonly reader: ProductFleetReader) {}

  @Get()
  @ApiOperation({
    summary: 'Tenants per version, who is behind and why, and the rollouts with their progress.',
  })
  @ApiResponse({ status: 404, description: 'Unknown product.' })
  fleet(@ProductParam() product: string) {
    return this.reader.fleet(product);
  }
}
