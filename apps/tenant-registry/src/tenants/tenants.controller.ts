import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { TraceContext } from '@enclave/service-kit';
import { TenantIdParam } from '../http/path-params.decorator';
import { ServiceRegistrationEntity } from '../registrations/service-registration.entity';
import { SuspendTenantDto } from './change-tenant-status.dto';
import { ChangeTenantStatusUseCase } from './change-tenant-status.use-case';
import { CreateTenantDto } from './create-tenant.dto';
import { CreateTenantUseCase } from './create-tenant.use-case';
import { ListTenantsDto } from './list-tenants.dto';
import { OffboardTenantDto } from './offboard-tenant.dto';
import { OffboardTenantUseCase } from './offboard-tenant.use-case';
import { TenantEntity } from './tenant.entity';
import { TenantNotFound } from './tenant-not-found';

@ApiTags('tenants')
@ApiBearerAuth()
@Controller('v1/tenants')
export class TenantsController {
  constructor(
    private readonly createTenant: CreateTenantUseCase,
    private readonly changeStatus: ChangeTenantStatusUseCase,
    private readonly offboardTenant: OffboardTenantUseCase,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a tenant (an identity; no infrastructure yet). Idempotent.' })
  @ApiResponse({ status: 201, description: 'Created.' })
  @ApiResponse({ status: 200, description: 'The same tenant already existed.' })
  @ApiResponse({
    status: 409,
    description:
      'A tenant with this id exists with other attributes, or was offboarded (ids are never reused).',
  })
  async create(@Body() body: CreateTenantDto, @Res({ passthrough: true }) res: Response) {
    const { created, tenant } = await this.createTenant.execute(
      body,
      TraceContext.current().correlationId,
    );
    res.status(created ? 201 : 200).location(`/v1/tenants/${tenant.id}`);
    return tenant;
  }

  @Get()
  @ApiOperation({
    summary: 'List tenants in id order (keyset pagination: pass the last id as `after`).',
  })
  list(@Query() { after, limit }: ListTenantsDto) {
    const query = this.dataSource
      .getRepository(TenantEntity)
      .createQueryBuilder('t')
      .orderBy('t.id')
      .take(limit);
    if (after) query.where('t.id > :after', { after });
    return query.getMany();
  }

  @Get(':tenantId')
  @ApiOperation({ summary: 'A tenant and its registered services with their state.' })
  @ApiResponse({ status: 200, description: 'The tenant, with `services`.' })
  @ApiResponse({ status: 404, description: 'Unknown tenant.' })
  async get(@TenantIdParam() tenantId: string) {
    const tenant = await this.dataSource.getRepository(TenantEntity).findOneBy({ id: tenantId });
    if (!tenant) throw new TenantNotFound(tenantId);
    const services = await this.dataSource
      .getRepository(ServiceRegistrationEntity)
      .find({ where: { tenantId }, order: { createdAt: 'ASC' } });
    return { ...tenant, services };
  }

  @Post(':tenantId/suspend')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Suspend a tenant: products stop serving it (403) while its resources and secrets stay. Idempotent.',
  })
  @ApiResponse({ status: 200, description: 'The tenant, suspended.' })
  @ApiResponse({ status: 404, description: 'Unknown tenant.' })
  @ApiResponse({ status: 409, description: 'The tenant is offboarding or deleted.' })
  async suspend(@TenantIdParam() tenantId: string, @Body() body: SuspendTenantDto) {
    const { tenant } = await this.changeStatus.execute(
      tenantId,
      'suspended',
      body.reason,
      TraceContext.current().correlationId,
    );
    return tenant;
  }

  @Post(':tenantId/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a suspended tenant. Idempotent.' })
  @ApiResponse({ status: 200, description: 'The tenant, active.' })
  @ApiResponse({ status: 404, description: 'Unknown tenant.' })
  @ApiResponse({ status: 409, description: 'The tenant is offboarding or deleted.' })
  async resume(@TenantIdParam() tenantId: string) {
    const { tenant } = await this.changeStatus.execute(
      tenantId,
      'active',
      null,
      TraceContext.current().correlationId,
    );
    return tenant;
  }

  @Post(':tenantId/offboard')
  @ApiOperation({
    summary: 'Offboard a whole tenant: every registration, then the tenant itself. Idempotent.',
    description:
      'Every registration not offboarded yet is offboarded exactly as `DELETE …/services/:product` does, and the tenant shows `offboarding`; when every stage has released the last one, the tenant is `deleted` (kept, with its data) and TenantOffboarded is published once. A tenant with no registrations is `deleted` at once. Refused, changing nothing, while any registration is still provisioning, rotating credentials or being upgraded by a rollout. A deleted tenant takes no new registration, suspension or resumption, and its id is never given to a new tenant.',
  })
  @ApiBody({ type: OffboardTenantDto, required: false })
  @ApiResponse({
    status: 202,
    description: 'Accepted: the tenant, `offboarding`, with `services` deprovisioning.',
  })
  @ApiResponse({ status: 200, description: 'The tenant is `deleted` (now, or already).' })
  @ApiResponse({ status: 404, description: 'Unknown tenant.' })
  @ApiResponse({
    status: 409,
    description:
      'A registration is still provisioning, rotating credentials or being upgraded; the reasons.',
  })
  async offboard(
    @TenantIdParam() tenantId: string,
    @Body() body: OffboardTenantDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { tenant, services } = await this.offboardTenant.execute(
      tenantId,
      body.reason ?? null,
      TraceContext.current().correlationId,
    );
    res.status(tenant.status === 'deleted' ? 200 : 202);
    return { ...tenant, services };
  }
}
