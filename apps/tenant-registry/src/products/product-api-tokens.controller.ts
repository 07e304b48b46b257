import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ProductParam } from '../http/path-params.decorator';
import { IssueApiTokenDto } from './issue-api-token.dto';
import { ProductApiTokensUseCase } from './product-api-tokens.use-case';
import { TokenIdParam } from './token-id.param';

/** Operators manage the API tokens a product's deployments present to the product API. */
@ApiTags('product API tokens')
@ApiBearerAuth()
@Controller('v1/products/:product/tokens')
export class ProductApiTokensController {
  constructor(private readonly tokens: ProductApiTokensUseCase) {}

  @Post()
  @ApiOperation({
    summary: "Issue an API token for a product's deployment; the token is shown this once.",
    description:
      'It expires (`ttlSeconds`, 90 days by default, at most a year) and works until then unless revoked. The registry keeps only its keyed hash.',
  })
  @ApiResponse({
    status: 201,
    description: '`{ id, product, name, state, createdAt, expiresAt, revokedAt, token }`.',
  })
  @ApiResponse({ status: 404, description: 'Unknown product.' })
  async issue(
    @ProductParam() product: string,
    @Body() body: IssueApiTokenDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const issued = await this.tokens.issue(product, body.ttlSeconds, body.name);
    res
      .location(`/v1/products/${product}/tokens/${issued.id}`)
      .setHeader('Cache-Control', 'no-store');
    return issued;
  }

  @Get()
  @ApiOperation({ summary: "A product's API tokens, newest first, without their secrets." })
  @ApiResponse({
    status: 200,
    description:
      'Each `{ id, product, name, state, createdAt, expiresAt, revokedAt }`; state is active, expired or revoked.',
  })
  @ApiResponse({ status: 404, description: 'Unknown product.' })
  list(@ProductParam() product: string) {
    return this.tokens.list(product);
  }

  @Post('revoke')
  @HttpCode(200)
  @ApiOperation({
    summary: "Revoke every API token of one product; other products' stay good.",
  })
  @ApiResponse({ status: 200, description: '`{ product, revoked, revokedAt }`: how many.' })
  @ApiResponse({ status: 404, description: 'Unknown product.' })
  revokeAll(@ProductParam() product: string) {
    return this.tokens.revokeAll(product);
  }

  @Post(':tokenId/revoke')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke one API token: refused from the next request on. Idempotent.',
  })
  @ApiResponse({ status: 200, description: 'The token, revoked (without its secret).' })
  @ApiResponse({ status: 404, description: 'The product has no such token.' })
  revoke(@ProductParam() product: string, @TokenIdParam() tokenId: string) {
    return this.tokens.revoke(product, tokenId);
  }
}
