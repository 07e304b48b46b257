import { TraceContext } from '@enclave/service-kit';
import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Post,
  Put,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ProductParam, VersionParam } from '../http/path-params.decorator';
import { IssueApiTokenDto } from './issue-api-token.dto';
import { ProductApiTokensUseCase } from './product-api-tokens.use-case';
import { ProductCatalogReader } from './product-catalog.reader';
import { PublishProductVersionDto } from './publish-product-version.dto';
import { PublishProductVersionUseCase } from './publish-product-version.use-case';

@ApiTags('products')
@ApiBearerAuth()
@Controller('v1/products')
export class ProductsController {
  constructor(
    private readonly apiTokens: ProductApiTokensUseCase,
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
    description: 'Invalid manifest or path, or the manifest names another product or version.',
  })
  @ApiResponse({
    status: 409,
    description:
      'Other content under this version, a version not after the latest, or one that edits what tenants applied.',
  })
  async publish(
    @ProductParam() product: string,
    @VersionParam() version: string,
    @Body() manifest: PublishProductVersionDto,
    @Res({ passthrough: true }) res: Response,
  ) {
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
  @ApiResponse({ status: 200, description: '`{ product, current, versions }`.' })
  @ApiResponse({ status: 404, description: 'Unknown product.' })
  versions(@ProductParam() product: string) {
    return this.catalog.versions(product);
  }

  @Get(':product/versions/:version')
  @ApiOperation({ summary: 'One published version with its manifest.' })
  @ApiResponse({ status: 200, description: 'The version, with `manifest`.' })
  @ApiResponse({ status: 404, description: 'Unknown product or version.' })
  version(@ProductParam() product: string, @VersionParam() version: string) {
    return this.catalog.version(product, version);
  }

  @Post(':product/api-token')
  @HttpCode(200)
  @ApiOperation({
    deprecated: true,
    summary: 'Earlier name of POST /v1/products/{product}/tokens (answers 200 rather than 201).',
  })
  @ApiResponse({ status: 200, description: 'As POST …/tokens.' })
  @ApiResponse({ status: 404, description: 'Unknown product.' })
  apiToken(@ProductParam() product: string, @Body() body: IssueApiTokenDto) {
    return this.apiTokens.issue(product, body.ttlSeconds, body.name);
  }

  @Post(':product/api-token/revoke')
  @HttpCode(200)
  @ApiOperation({
    deprecated: true,
    summary: 'Earlier name of POST /v1/products/{product}/tokens/revoke.',
  })
  @ApiResponse({ status: 200, description: '`{ product, revoked, revokedAt }`.' })
  @ApiResponse({ status: 404, description: 'Unknown product.' })
  revokeApiTokens(@ProductParam() product: string) {
    return this.apiTokens.revokeAll(product);
  }
}
