import { Controller, Get, NotFoundException, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ProductParam } from '../http/path-params.decorator';
import { ProductEntity } from '../products/product.entity';
import { ListProductRegistrationsDto } from './list-product-registrations.dto';
import { ServiceRegistrationEntity } from './service-registration.entity';

/**
 * Every tenant registered for one product, filtered and paged on the server: the per-product
 * dashboard (the operator console) must stay usable at 10,000 tenants.
 */
@ApiTags('services')
@ApiBearerAuth()
@Controller('v1/products/:product/registrations')
export class ProductRegistrationsController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({
    summary:
      "A product's registrations in tenant id order, filtered by state, isolation mode or tenant id prefix (keyset pages: pass `next` as `after`).",
  })
  @ApiResponse({
    status: 200,
    description:
      '`{ items, total, next }`: a page of registrations with state and per-stage conditions, how many match the filter, and the cursor of the next page (null on the last).',
  })
  @ApiResponse({ status: 404, description: 'Unknown product.' })
  async list(
    @ProductParam() product: string,
    @Query() { state, isolationMode, tenant, after, limit }: ListProductRegistrationsDto,
  ) {
    if (!(await this.dataSource.getRepository(ProductEntity).existsBy({ name: product })))
      throw new NotFoundException(`unknown product '${product}'`);
    const query = this.dataSource
      .getRepository(ServiceRegistrationEntity)
      .createQueryBuilder('r')
      .where('r.product = :product', { product });
    if (state) query.andWhere('r.state = :state', { state });
    if (isolationMode) query.andWhere('r.isolation_mode = :isolationMode', { isolationMode });
    // A prefix match: the tenant filter is letters, digits and dashes, none of LIKE's wildcards.
    if (tenant) query.andWhere('r.tenant_id LIKE :prefix', { prefix: `${tenant}%` });
    const total = await query.getCount();
    if (after) query.andWhere('r.tenant_id > :after', { after });
    const items = await query
      .orderBy('r.tenant_id')
      .take(limit + 1)
      .getMany();
    const page = items.slice(0, limit);
    return {
      items: page,
      total,
      next: items.length > limit ? page[page.length - 1].tenantId : null,
    };
  }
}
