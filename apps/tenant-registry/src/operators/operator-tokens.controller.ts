import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { IssueOperatorTokenDto } from './issue-operator-token.dto';
import { IssueOperatorTokenUseCase } from './issue-operator-token.use-case';
import { OperatorTokenEntity } from './operator-token.entity';
import { OperatorTokenIdParam } from './operator-token-id.param';
import { operatorTokenView } from './operator-token.view';
import { RevokeOperatorTokenUseCase } from './revoke-operator-token.use-case';

@ApiTags('operator-tokens')
@ApiBearerAuth()
@Controller('v1/operator-tokens')
export class OperatorTokensController {
  constructor(
    private readonly issueToken: IssueOperatorTokenUseCase,
    private readonly revokeToken: RevokeOperatorTokenUseCase,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      'Issue a named operator token (`enop_…`). It is shown once, in this answer; only its SHA-256 ' +
      'is stored. Every call made with it is recorded as `operator:<name>` in events and histories.',
  })
  @ApiResponse({ status: 201, description: 'The token, once, with its name and id.' })
  @ApiResponse({ status: 409, description: 'A token of that name exists or existed.' })
  issue(@Body() body: IssueOperatorTokenDto) {
    return this.issueToken.execute(body.name, body.expiresAt);
  }

  @Get()
  @ApiOperation({ summary: 'Every named operator token, oldest first, without secrets.' })
  async list() {
    const tokens = await this.dataSource
      .getRepository(OperatorTokenEntity)
      .find({ order: { createdAt: 'ASC', id: 'ASC' } });
    return tokens.map(operatorTokenView);
  }

  @Post(':tokenId/revoke')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke a named operator token: every replica refuses it (401) within 2 seconds.',
  })
  @ApiResponse({ status: 200, description: 'The token, now revoked.' })
  @ApiResponse({ status: 404, description: 'No such token.' })
  revoke(@OperatorTokenIdParam() id: string) {
    return this.revokeToken.execute(id);
  }
}
