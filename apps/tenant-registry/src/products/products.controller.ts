import { productNameSchema, productVersionSchema } from '@enclave/contracts';
import { TraceContext } from '@enclave/service-kit';
import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Put,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ProductTokenIssuer } from '../auth/product-token.issuer';
import { ProductCatalogReader } from './product-catalog.reader';
import { PublishProductVersionDto } from './publish-product-version.dto';
import { PublishProductVersionUseCase } from './publish-product-version.use-case';

/** A path parameter checked by the same rule as the body that names it. */
function checked(schema: typeof productNameSchema | typeof productVersionSchema, value: string) {
  const result = schema.safeParse(value);
  if (!result.success) throw new BadRequestException(result.error.issues[0].message);
  return result.data;
}

@ApiTags('products')
@ApiBearerAuth()
@Controller('v1/products')
export class ProductsController {
  constructor(
    private readonly tokens: ProductTokenIssuer,
    private readonly catalog: ProductCatalogReader,
    private readonly publishVersion: PublishProductVersionUseCase,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The products tenants can be registered for, at their current version.',
  })
  list() {
    return this.catalog.list();
  }

  @Put(':product/versions/:version')
  @ApiOperation({
    summary:
      "Publish a version of a product's manifest. Immutable; the same content again is a no-op.",
  })
  @ApiResponse({
    status: 201,
    description: 'Published; the stages are told (ProductVersionPublished).',
  })
  @ApiResponse({ status: 200, description: 'Already published with the same content.' })
  @ApiResponse({
    status: 400,
    description: 'Invalid manifest, or it names another product or version.',
  })
  @ApiResponse({
    status: 409,
    description:
      'Other content under this version, a version not after the latest, or one that edits what tenants applied.',
  })
  async publish(
    @Param('product') productParam: string,
    @Param('version') versionParam: string,
    @Body() manifest: PublishProductVersionDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const product = checked(productNameSchema, productParam);
    const version = checked(productVersionSchema, versionParam);
    if (manifest.name !== product || manifest.version !== version) {
      throw new BadRequestException(
        `the manifest names ${manifest.name} ${manifest.version}, but is published as ${product} ${version}`,
      );
    }
    const { created, version: published } = await this.publishVersion.execute(
      manifest,
      TraceContext.current().correlationId,
    );
    res.status(created ? 201 : 200).location(`/v1/products/${product}/versions/${version}`);
    const { checksum, schemaVersion, publishedAt } = published;
    return { product, version, checksum, schemaVersion, publishedAt };
  }

  @Get(':product/versions')
  @ApiOperation({ summary: "A product's published versions, oldest first, and its current one." })
  @ApiResponse({ status: 404, description: 'Unknown product.' })
  versions(@Param('product') product: string) {
    return this.catalog.versions(checked(productNameSchema, product));
  }

  @Get(':product/versions/:version')
  @ApiOperation({ summary: 'One published version with its manifest.' })
  @ApiResponse({ status: 404, description: 'Unknown product or version.' })
  version(@Param('product') product: string, @Param('version') version: string) {
    return this.catalog.version(
      checked(productNameSchema, product),
      checked(productVersionSchema, version),
    );
  }

  @Post(':product/api-token')
  @HttpCode(200)
  @ApiOperation({
    summary: "The API token a product's deployment uses to resolve its tenants.",
    description: 'The same every time for one PRODUCT_TOKEN_SECRET.',
  })
  @ApiResponse({ status: 200, description: '`{ product, token }`.' })
  @ApiResponse({ status: 404, description: 'Unknown product.' })
  async apiToken(@Param('product') product: string) {
    if (!(await this.catalog.current(checked(productNameSchema, product))))
      throw new NotFoundException(`unknown product '${product}'`);
    return { product, token: this.tokens.issue(product) };
  }
}
