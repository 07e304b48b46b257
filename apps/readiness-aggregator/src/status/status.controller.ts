import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { aggregatedStateSchema } from './aggregated-state';
import { ServiceStatusEntity } from './service-status.entity';
import { ServiceStatusProgress } from './service-status.progress';

/** The status view dashboards read: one registration's timeline, and tenants per product. */
@Controller('v1')
export class StatusController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get('registrations/:registrationId')
  async registration(@Param('registrationId') registrationId: string) {
    const status = await this.dataSource
      .getRepository(ServiceStatusEntity)
      .findOneBy({ registrationId });
    if (!status) throw new NotFoundException(`no status for registration ${registrationId}`);
    return view(status);
  }

  @Get('products/:product/tenants')
  async tenantsOf(@Param('product') product: string, @Query('state') state?: string) {
    const where = { product, ...(state ? { state: aggregatedStateSchema.parse(state) } : {}) };
    const rows = await this.dataSource
      .getRepository(ServiceStatusEntity)
      .find({ where, order: { registeredAt: 'ASC' }, take: 1_000 });
    return rows.map(view);
  }

  @Get('products/:product/summary')
  async summary(@Param('product') product: string) {
    const rows: { state: string; count: number }[] = await this.dataSource.query(
      'SELECT state, count(*)::int AS count FROM readiness_aggregator.service_status WHERE product = $1 GROUP BY state',
      [product],
    );
    return Object.fromEntries(rows.map((r) => [r.state, r.count]));
  }
}

function view(status: ServiceStatusEntity) {
  const progress = new ServiceStatusProgress(status);
  return {
    registrationId: status.registrationId,
    tenantId: status.tenantId,
    product: status.product,
    isolationMode: status.isolationMode,
    state: status.state,
    registeredAt: status.registeredAt,
    schemaVersion: status.schemaVersion,
    retries: status.retries,
    deprovision: status.deprovisionRequestedAt && {
      requestedAt: status.deprovisionRequestedAt,
      released: status.released,
      awaiting: progress.awaitingRelease(),
    },
    conditions: progress.conditions(),
    rotation: status.rotation && {
      rotationId: status.rotation.rotationId,
      state: status.rotation.state,
      requestedAt: status.rotation.requestedAt,
      completedAt: status.rotation.completedAt,
      awaiting: status.rotation.awaiting,
      reason: status.rotation.reason,
    },
  };
}
