import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TenantIdParam } from '../http/path-params.decorator';
import { TenantNotFound } from '../tenants/tenant-not-found';
import { decodeHistoryCursor, encodeHistoryCursor } from './history-cursor';
import { TenantHistoryQueryDto } from './tenant-history.query.dto';

interface HistoryRow {
  seq: string;
  event_id: string;
  product: string | null;
  registration_id: string | null;
  kind: string;
  occurred_at: Date;
  actor: { kind: string; name: string } | null;
  producer: string;
  stage: string | null;
  reason: string | null;
  correlation_id: string;
}

@ApiTags('tenants')
@ApiBearerAuth()
@Controller('v1/tenants')
export class TenantHistoryController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get(':tenantId/history')
  @ApiOperation({
    summary:
      "A tenant's audit trail: every lifecycle event about it (created, registered, stage outcomes, " +
      'ready, failed, retried, rotated, suspended, resumed, offboarded) with when, what, why and ' +
      'who, in the order they occurred (keyset pages: pass `next` as `after`). Kept after offboarding.',
  })
  @ApiResponse({
    status: 200,
    description:
      '`{ items, next }`; `next` is null on the last page. `actor` is on whose behalf ' +
      '(`operator:<token name>`, `publisher:…`, `platform:…`), `producer` the app that wrote it.',
  })
  @ApiResponse({ status: 404, description: 'No such tenant, and no history of one.' })
  async history(
    @TenantIdParam() tenantId: string,
    @Query() { product, kind, after, limit }: TenantHistoryQueryDto,
  ) {
    const params: unknown[] = [tenantId];
    const where = ['tenant_id = $1'];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (product) where.push(`product = ${param(product)}`);
    if (kind) where.push(`kind = ${param(kind)}`);
    if (after) {
      const at = decodeHistoryCursor(after);
      where.push(
        `(occurred_at, seq) > (${param(at.occurredAt)}::timestamptz, ${param(at.seq)}::bigint)`,
      );
    }
    const rows: HistoryRow[] = await this.dataSource.query(
      `SELECT seq, event_id, product, registration_id, kind, occurred_at, actor, producer, stage,
              reason, correlation_id
         FROM tenant_registry.tenant_history
        WHERE ${where.join(' AND ')}
        ORDER BY occurred_at, seq
        LIMIT ${param(limit + 1)}`,
      params,
    );
    if (rows.length === 0 && !after && !(await this.known(tenantId))) {
      throw new TenantNotFound(tenantId);
    }
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        eventId: r.event_id,
        kind: r.kind,
        occurredAt: r.occurred_at.toISOString(),
        product: r.product,
        registrationId: r.registration_id,
        actor: r.actor ? `${r.actor.kind}:${r.actor.name}` : null,
        producer: r.producer,
        stage: r.stage,
        reason: r.reason,
        correlationId: r.correlation_id,
      })),
      next:
        rows.length > limit
          ? encodeHistoryCursor({ occurredAt: last.occurred_at.toISOString(), seq: last.seq })
          : null,
    };
  }

  /** A tenant the registry holds, or one whose history it kept. */
  private async known(tenantId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM tenant_registry.tenant WHERE id = $1
       UNION ALL SELECT 1 FROM tenant_registry.tenant_history WHERE tenant_id = $1 LIMIT 1`,
      [tenantId],
    );
    return rows.length > 0;
  }
}
