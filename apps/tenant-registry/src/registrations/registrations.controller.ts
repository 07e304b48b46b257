import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Post,
  Put,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { TraceContext } from '@enclave/service-kit';
import { ProductParam, TenantIdParam } from '../http/path-params.decorator';
import { ProductCatalogReader } from '../products/product-catalog.reader';
import { TenantEntity } from '../tenants/tenant.entity';
import { TenantNotFound } from '../tenants/tenant-not-found';
import { ChangeRegistrationLimitsDto } from './change-registration-limits.dto';
import { ChangeRegistrationLimitsUseCase } from './change-registration-limits.use-case';
import { RegisterServiceDto } from './register-service.dto';
import { RegisterServiceUseCase } from './register-service.use-case';
import { DeprovisionRegistrationUseCase } from './deprovision-registration.use-case';
import { RequestCredentialRotationUseCase } from './request-credential-rotation.use-case';
import { RetryRegistrationUseCase } from './retry-registration.use-case';
import { ServiceRegistrationEntity } from './service-registration.entity';

@ApiTags('services')
@ApiBearerAuth()
@Controller('v1/tenants/:tenantId/services')
export class RegistrationsController {
  constructor(
    private readonly registerService: RegisterServiceUseCase,
    private readonly requestRotation: RequestCredentialRotationUseCase,
    private readonly retryRegistration: RetryRegistrationUseCase,
    private readonly deprovisionRegistration: DeprovisionRegistrationUseCase,
    private readonly changeLimits: ChangeRegistrationLimitsUseCase,
    private readonly catalog: ProductCatalogReader,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * Registrations as shown: each with the schema version its product version has and its RabbitMQ
   * isolation level (`VHOST`, `SHARED_VHOST`, or null for a product without RabbitMQ).
   */
  private async withSchemaVersions(registrations: ServiceRegistrationEntity[]) {
    const facts = await this.catalog.versionFacts([
      ...new Set(registrations.map((r) => r.product)),
    ]);
    return registrations.map((r) => {
      const version = facts.get(`${r.product}@${r.productVersion}`);
      return {
        ...r,
        schemaVersion: version?.schemaVersion ?? null,
        rabbitmqIsolation: version?.rabbitmqIsolation ?? null,
      };
    });
  }

  @Post()
  @ApiOperation({
    summary: 'Register a product for a tenant; provisioning starts at once. Idempotent.',
  })
  @ApiResponse({ status: 202, description: 'Accepted: provisioning runs; poll the registration.' })
  @ApiResponse({ status: 200, description: 'Already registered with the same isolation mode.' })
  @ApiResponse({ status: 404, description: 'Unknown tenant.' })
  @ApiResponse({ status: 409, description: 'Already registered with another isolation mode.' })
  @ApiResponse({ status: 422, description: 'Unknown product.' })
  async register(
    @TenantIdParam() tenantId: string,
    @Body() body: RegisterServiceDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { created, registration } = await this.registerService.execute(
      tenantId,
      body,
      TraceContext.current().correlationId,
    );
    res
      .status(created ? 202 : 200)
      .location(`/v1/tenants/${tenantId}/services/${registration.product}`);
    return (await this.withSchemaVersions([registration]))[0];
  }

  @Get()
  @ApiOperation({ summary: "A tenant's registrations with state and per-stage conditions." })
  @ApiResponse({ status: 200, description: 'Its registrations, oldest first.' })
  @ApiResponse({ status: 404, description: 'Unknown tenant.' })
  async list(@TenantIdParam() tenantId: string) {
    // An unknown tenant is 404 here as on every other route naming it, not an empty list.
    if (!(await this.dataSource.getRepository(TenantEntity).existsBy({ id: tenantId })))
      throw new TenantNotFound(tenantId);
    const registrations = await this.dataSource
      .getRepository(ServiceRegistrationEntity)
      .find({ where: { tenantId }, order: { createdAt: 'ASC' } });
    return this.withSchemaVersions(registrations);
  }

  @Get(':product')
  @ApiOperation({ summary: 'One registration: state, per-stage conditions, reasons and timings.' })
  @ApiResponse({ status: 200, description: 'The registration.' })
  @ApiResponse({ status: 404, description: 'Not registered.' })
  async get(@TenantIdParam() tenantId: string, @ProductParam() product: string) {
    const registration = await this.dataSource
      .getRepository(ServiceRegistrationEntity)
      .findOneBy({ tenantId, product });
    if (!registration)
      throw new NotFoundException(`${product} is not registered for tenant ${tenantId}`);
    return (await this.withSchemaVersions([registration]))[0];
  }

  @Post(':product/credentials/rotate')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Rotate every credential of a ready registration.',
    description: 'CredentialsRotated is published once all resources applied the new ones.',
  })
  @ApiResponse({ status: 202, description: 'Accepted: `{ rotationId }`.' })
  @ApiResponse({ status: 404, description: 'Not registered.' })
  @ApiResponse({ status: 409, description: 'The registration is not ready.' })
  rotate(@TenantIdParam() tenantId: string, @ProductParam() product: string) {
    return this.requestRotation.execute(tenantId, product, TraceContext.current().correlationId);
  }

  @Put(':product/limits')
  @ApiOperation({
    summary: "Change a ready registration's resource limits.",
    description:
      "The body is the limits in force from now on, whole: a field left out is back to its default (`{}`: every default). The PostgreSQL provisioner sets the tenant role's CONNECTION LIMIT and statement_timeout, the broker provisioner the vhost's max-connections and max-queues; new connections, statements and queues get them, open ones stay. The registration shows `limits` and `limitsRevision` at once; the servers follow within moments (RegistrationLimitsChanged).",
  })
  @ApiResponse({ status: 202, description: 'Accepted: the registration with its new limits.' })
  @ApiResponse({ status: 200, description: 'It already had these limits: nothing changed.' })
  @ApiResponse({ status: 404, description: 'Not registered.' })
  @ApiResponse({ status: 409, description: 'The registration is not ready.' })
  async putLimits(
    @TenantIdParam() tenantId: string,
    @ProductParam() product: string,
    @Body() body: ChangeRegistrationLimitsDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { changed, registration } = await this.changeLimits.execute(
      tenantId,
      product,
      TraceContext.current().correlationId,
      body,
    );
    res.status(changed ? 202 : 200);
    return (await this.withSchemaVersions([registration]))[0];
  }

  @Post(':product/retry')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Provision a failed registration again, once its cause is dealt with.',
    description: 'Failed stages run again; finished ones are kept.',
  })
  @ApiResponse({ status: 202, description: 'Accepted: the registration, provisioning again.' })
  @ApiResponse({ status: 404, description: 'Not registered.' })
  @ApiResponse({ status: 409, description: 'The registration is not failed.' })
  retry(@TenantIdParam() tenantId: string, @ProductParam() product: string) {
    return this.retryRegistration.execute(tenantId, product, TraceContext.current().correlationId);
  }

  @Delete(':product')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Offboard a product from a tenant. Idempotent.',
    description:
      'Every stage removes what it made (databases or schemas, roles, Mongo database and user, vhost and user, secrets). Then the registration is `deleted`, and the product cannot be registered again for the tenant.',
  })
  @ApiResponse({ status: 202, description: 'Accepted: the registration, deprovisioning.' })
  @ApiResponse({ status: 404, description: 'Not registered.' })
  @ApiResponse({
    status: 409,
    description: 'A stage is still provisioning it, or a rotation or upgrade of it is under way.',
  })
  deprovision(@TenantIdParam() tenantId: string, @ProductParam() product: string) {
    return this.deprovisionRegistration.execute(
      tenantId,
      product,
      TraceContext.current().correlationId,
    );
  }
}
