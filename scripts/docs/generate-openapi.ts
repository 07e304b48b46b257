// Builds docs/openapi.json: the document tenant-registry serves at /openapi.json, from the same
// controllers and buildOpenApi(), without a database, Kafka or a listening server (the controllers'
// dependencies are stubs that are never called). test/docs/api-documents.spec.ts fails on drift.
// Run: npm run docs:openapi
import 'reflect-metadata';
import { HealthModule, SERVICE_NAME } from '@enclave/service-kit';
import { Global, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import path from 'node:path';
import { buildOpenApi } from '../../apps/tenant-registry/src/openapi/publish-openapi';
import { ProductTokenGuard } from '../../apps/tenant-registry/src/auth/product-token.guard';
import { ProductTokenHasher } from '../../apps/tenant-registry/src/auth/product-token.hasher';
import { ResolveTenantConnectionUseCase } from '../../apps/tenant-registry/src/product-api/resolve-tenant-connection.use-case';
import { ProductApiTokensUseCase } from '../../apps/tenant-registry/src/products/product-api-tokens.use-case';
import { ProductCatalogReader } from '../../apps/tenant-registry/src/products/product-catalog.reader';
import { PublishProductVersionUseCase } from '../../apps/tenant-registry/src/products/publish-product-version.use-case';
import { ChangeRolloutStateUseCase } from '../../apps/tenant-registry/src/rollouts/change-rollout-state.use-case';
import { ProductFleetController } from '../../apps/tenant-registry/src/rollouts/product-fleet.controller';
import { ProductFleetReader } from '../../apps/tenant-registry/src/rollouts/product-fleet.reader';
import { RolloutsController } from '../../apps/tenant-registry/src/rollouts/rollouts.controller';
import { RolloutsReader } from '../../apps/tenant-registry/src/rollouts/rollouts.reader';
import { StartRolloutUseCase } from '../../apps/tenant-registry/src/rollouts/start-rollout.use-case';
import { TenantConnectionController } from '../../apps/tenant-registry/src/product-api/tenant-connection.controller';
import { ProductApiTokensController } from '../../apps/tenant-registry/src/products/product-api-tokens.controller';
import { ProductsController } from '../../apps/tenant-registry/src/products/products.controller';
import { RegisterServiceUseCase } from '../../apps/tenant-registry/src/registrations/register-service.use-case';
import { RegistrationsController } from '../../apps/tenant-registry/src/registrations/registrations.controller';
import { ProductRegistrationsController } from '../../apps/tenant-registry/src/registrations/product-registrations.controller';
import { RequestCredentialRotationUseCase } from '../../apps/tenant-registry/src/registrations/request-credential-rotation.use-case';
import { RetryRegistrationUseCase } from '../../apps/tenant-registry/src/registrations/retry-registration.use-case';
import { ChangeRegistrationLimitsUseCase } from '../../apps/tenant-registry/src/registrations/change-registration-limits.use-case';
import { DeprovisionRegistrationUseCase } from '../../apps/tenant-registry/src/registrations/deprovision-registration.use-case';
import { ChangeTenantStatusUseCase } from '../../apps/tenant-registry/src/tenants/change-tenant-status.use-case';
import { OffboardTenantUseCase } from '../../apps/tenant-registry/src/tenants/offboard-tenant.use-case';
import { CreateTenantUseCase } from '../../apps/tenant-registry/src/tenants/create-tenant.use-case';
import { TenantsController } from '../../apps/tenant-registry/src/tenants/tenants.controller';
import { DeadLettersController } from '../../apps/tenant-registry/src/dead-letters/dead-letters.controller';
import { ResolveDeadLetterUseCase } from '../../apps/tenant-registry/src/dead-letters/resolve-dead-letter.use-case';
import { TenantHistoryController } from '../../apps/tenant-registry/src/history/tenant-history.controller';
import { IssueOperatorTokenUseCase } from '../../apps/tenant-registry/src/operators/issue-operator-token.use-case';
import { OperatorTokensController } from '../../apps/tenant-registry/src/operators/operator-tokens.controller';
import { RevokeOperatorTokenUseCase } from '../../apps/tenant-registry/src/operators/revoke-operator-token.use-case';
import { writeJsonDocument } from './write-json-document';

export const OPENAPI_PATH = path.resolve(__dirname, '../../docs/openapi.json');

/** Stands in for a dependency that documenting the routes never uses (no methods, no hooks). */
const unused = {};

/** What ServiceKitModule provides to the health controller in the real app. */
@Global()
@Module({
  providers: [{ provide: SERVICE_NAME, useValue: 'tenant-registry' }],
  exports: [SERVICE_NAME],
})
class ServiceNameModule {}

/** tenant-registry's HTTP surface (admin API and health), as in AppModule, with stub dependencies. */
@Module({
  imports: [ServiceNameModule, HealthModule.forRoot([])],
  controllers: [
    TenantsController,
    RegistrationsController,
    ProductRegistrationsController,
    ProductsController,
    ProductApiTokensController,
    RolloutsController,
    ProductFleetController,
    TenantConnectionController,
    DeadLettersController,
    TenantHistoryController,
    OperatorTokensController,
  ],
  providers: [
    { provide: CreateTenantUseCase, useValue: unused },
    { provide: ChangeTenantStatusUseCase, useValue: unused },
    { provide: OffboardTenantUseCase, useValue: unused },
    { provide: RegisterServiceUseCase, useValue: unused },
    { provide: RequestCredentialRotationUseCase, useValue: unused },
    { provide: RetryRegistrationUseCase, useValue: unused },
    { provide: ChangeRegistrationLimitsUseCase, useValue: unused },
    { provide: DeprovisionRegistrationUseCase, useValue: unused },
    { provide: ResolveTenantConnectionUseCase, useValue: unused },
    { provide: ProductCatalogReader, useValue: unused },
    { provide: ProductApiTokensUseCase, useValue: unused },
    { provide: PublishProductVersionUseCase, useValue: unused },
    { provide: StartRolloutUseCase, useValue: unused },
    { provide: ChangeRolloutStateUseCase, useValue: unused },
    { provide: RolloutsReader, useValue: unused },
    { provide: ProductFleetReader, useValue: unused },
    { provide: ResolveDeadLetterUseCase, useValue: unused },
    { provide: ProductTokenHasher, useValue: unused },
    { provide: IssueOperatorTokenUseCase, useValue: unused },
    { provide: RevokeOperatorTokenUseCase, useValue: unused },
    { provide: ProductTokenGuard, useValue: unused },
    { provide: getDataSourceToken(), useValue: unused },
  ],
})
class TenantRegistryHttpModule {}

async function withApp<T>(use: (app: INestApplication) => T): Promise<T> {
  const app = await NestFactory.create(TenantRegistryHttpModule, {
    logger: false,
    abortOnError: false,
  });
  try {
    return use(app);
  } finally {
    await app.close();
  }
}

/** The tenant-registry OpenAPI document, as JSON (what /openapi.json serves). */
export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  const document = await withApp((app) => buildOpenApi(app));
  return JSON.parse(JSON.stringify(document)) as Record<string, unknown>;
}

if (require.main === module) {
  buildOpenApiDocument()
    .then((document) => writeJsonDocument(OPENAPI_PATH, document))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
