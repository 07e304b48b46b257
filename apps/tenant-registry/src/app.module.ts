import { platformEventCatalog } from '@enclave/contracts';
import { KafkaReadinessProbe, MessagingModule, messagingOptionsFrom } from '@enclave/messaging';
import { HealthModule, PostgresReadinessProbe, ServiceKitModule } from '@enclave/service-kit';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ZodValidationPipe } from 'nestjs-zod';
import { AdminTokenGuard } from './auth/admin-token.guard';
import { TenantRegistryConfig } from './config/tenant-registry.config';
import { ServiceStatusChangedHandler } from './handlers/service-status-changed.handler';
import { UnavailableFilter } from './http/unavailable.filter';
import { CreateRegistry1764300000000 } from './migrations/1764300000000-create-registry.migration';
import { ProductsController } from './products/products.controller';
import { RegisterServiceUseCase } from './registrations/register-service.use-case';
import { RegistrationsController } from './registrations/registrations.controller';
import { ServiceRegistrationEntity } from './registrations/service-registration.entity';
import { CreateTenantUseCase } from './tenants/create-tenant.use-case';
import { TenantEntity } from './tenants/tenant.entity';
import { TenantsController } from './tenants/tenants.controller';

export const SERVICE = 'tenant-registry';

@Module({})
export class AppModule {
  static register(config: TenantRegistryConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          service: SERVICE,
          config,
          migrations: [CreateRegistry1764300000000],
        }),
        TypeOrmModule.forFeature([TenantEntity, ServiceRegistrationEntity]),
        MessagingModule.forRoot(messagingOptionsFrom(SERVICE, config, platformEventCatalog)),
        HealthModule.forRoot([PostgresReadinessProbe, KafkaReadinessProbe]),
      ],
      controllers: [
        TenantsController,
        RegistrationsController,
        ProductsController,
        ServiceStatusChangedHandler,
      ],
      providers: [
        CreateTenantUseCase,
        RegisterServiceUseCase,
        { provide: APP_PIPE, useClass: ZodValidationPipe },
        { provide: APP_FILTER, useClass: UnavailableFilter },
        { provide: APP_GUARD, useValue: new AdminTokenGuard(config.ADMIN_API_TOKEN) },
      ],
    };
  }
}
