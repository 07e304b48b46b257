import { TraceContext } from '@enclave/service-kit';
import { Body, Controller, Get, HttpCode, NotFoundException, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DeadLetterEntity } from './dead-letter.entity';
import { DeadLetterIdParam } from './dead-letter-id.param';
import { deadLetterDetail, deadLetterSummary } from './dead-letter.view';
import { ListDeadLettersDto } from './list-dead-letters.dto';
import { ResolveDeadLetterDto } from './resolve-dead-letter.dto';
import { DeadLetterAction, ResolveDeadLetterUseCase } from './resolve-dead-letter.use-case';

@ApiTags('dead-letters')
@ApiBearerAuth()
@Controller('v1/dead-letters')
export class DeadLettersController {
  constructor(
    private readonly resolveLetter: ResolveDeadLetterUseCase,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'Dead letters of every platform topic, oldest first, with their cause (keyset pages: pass `next` as `after`).',
  })
  @ApiResponse({ status: 200, description: '`{ items, next }`; `next` is null on the last page.' })
  async list(@Query() { topic, tenantId, status, after, limit }: ListDeadLettersDto) {
    const query = this.dataSource
      .getRepository(DeadLetterEntity)
      .createQueryBuilder('d')
      .where('d.status = :status', { status })
      .orderBy('d.seq')
      .take(limit + 1);
    if (topic) query.andWhere('d.source_topic = :topic', { topic });
    if (tenantId) query.andWhere('d.tenant_id = :tenantId', { tenantId });
    if (after) query.andWhere('d.seq > :after', { after });
    const rows = await query.getMany();
    const page = rows.slice(0, limit);
    return {
      items: page.map(deadLetterSummary),
      next: rows.length > limit ? page[page.length - 1].seq : null,
    };
  }

  @Get(':deadLetterId')
  @ApiOperation({ summary: 'One dead letter: its cause, origin, headers and the full event.' })
  @ApiResponse({ status: 404, description: 'No such dead letter.' })
  async get(@DeadLetterIdParam() id: string) {
    const letter = await this.dataSource.getRepository(DeadLetterEntity).findOneBy({ id });
    if (!letter) throw new NotFoundException(`no dead letter ${id}`);
    return deadLetterDetail(letter);
  }

  @Post(':deadLetterId/replay')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Replay a dead letter once its cause is fixed: the original event goes back onto its topic, ' +
      'for the consumer group that gave up on it only. Recorded (who, when, why) and announced ' +
      '(DeadLetterReplayed).',
  })
  @ApiResponse({ status: 200, description: 'The dead letter, now `replayed`.' })
  @ApiResponse({ status: 404, description: 'No such dead letter.' })
  @ApiResponse({ status: 409, description: 'Already replayed or discarded.' })
  replay(@DeadLetterIdParam() id: string, @Body() body: ResolveDeadLetterDto) {
    return this.resolve(id, 'replay', body.reason);
  }

  @Post(':deadLetterId/discard')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Discard a dead letter: it is never handled and leaves the open list. Recorded (who, when, ' +
      'why) and announced (DeadLetterDiscarded).',
  })
  @ApiResponse({ status: 200, description: 'The dead letter, now `discarded`.' })
  @ApiResponse({ status: 404, description: 'No such dead letter.' })
  @ApiResponse({ status: 409, description: 'Already replayed or discarded.' })
  discard(@DeadLetterIdParam() id: string, @Body() body: ResolveDeadLetterDto) {
    return this.resolve(id, 'discard', body.reason);
  }

  private async resolve(id: string, action: DeadLetterAction, reason: string) {
    const letter = await this.resolveLetter.execute(
      id,
      action,
      reason,
      TraceContext.current().correlationId,
    );
    return deadLetterSummary(letter);
  }
}
