import { platformEventCatalog } from '@enclave/contracts';
import { KafkaReadinessProbe, MessagingModule, messagingOptionsFrom } from '@enclave/messaging';
import {
  HealthModule,
  OperatorAuthModule,
  PostgresReadinessProbe,
  ServiceKitModule,
} from '@enclave/service-kit';
import { SecretStoreModule, SecretStoreReadinessProbe } from '@enclave/secret-store';
import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ZodValidationPipe } from 'nestjs-zod';
import { ProductTokenGuard } from './auth/product-token.guard';
import { ProductTokenHasher } from './auth/product-token.hasher';
import { CredentialsIssuedHandler } from './handlers/credentials-issued.handler';
import { CredentialsRotatedHandler } from './handlers/credentials-rotated.handler';
import { CredentialsRotationFailedHandler } from './handlers/credentials-rotation-failed.handler';
import { TenantRegistryConfig } from './config/tenant-registry.config';
import { ServiceDeprovisionedHandler } from './handlers/service-deprovisioned.handler';
import { ServiceStatusChangedHandler } from './handlers/service-status-changed.handler';
import { DeclaredQueryInterceptor } from './http/declared-query.interceptor';
import { JsonBodyMiddleware } from './http/json-body.middleware';
import { UnavailableFilter } from './http/unavailable.filter';
import { tenantRegistryMigrations } from './migrations/tenant-registry.migrations';
import { ResolveTenantConnectionUseCase } from './product-api/resolve-tenant-connection.use-case';
import { TenantConnectionController } from './product-api/tenant-connection.controller';
import { ProductApiTokensController } from './products/product-api-tokens.controller';
import { ProductApiTokensUseCase } from './products/product-api-tokens.use-case';
import { ProductApiTokenEntity } from './products/product-api-token.entity';
import { ProductCatalogReader } from './products/product-catalog.reader';
import { ChangeRolloutStateUseCase } from './rollouts/change-rollout-state.use-case';
import { RecordUpgradeOutcomeUseCase } from './rollouts/record-upgrade-outcome.use-case';
import { RolloutDriver } from './rollouts/rollout.driver';
import { RolloutTenantEntity } from './rollouts/rollout-tenant.entity';
import { RolloutEntity } from './rollouts/rollout.entity';
import { RolloutsController } from './rollouts/rollouts.controller';
import { RolloutsReader } from './rollouts/rollouts.reader';
import { ProductFleetController } from './rollouts/product-fleet.controller';
import { ProductFleetReader } from './rollouts/product-fleet.reader';
import { StartRolloutUseCase } from './rollouts/start-rollout.use-case';
import { StageUpgradeFailedHandler } from './handlers/stage-upgrade-failed.handler';
import { StageUpgradedHandler } from './handlers/stage-upgraded.handler';
import { ProductVersionEntity } from './products/product-version.entity';
import { ProductEntity } from './products/product.entity';
import { ProductsController } from './products/products.controller';
import { PublishProductVersionUseCase } from './products/publish-product-version.use-case';
import { ChangeRegistrationLimitsUseCase } from './registrations/change-registration-limits.use-case';
import { RecordAppliedCredentialsUseCase } from './registrations/record-applied-credentials.use-case';
import { RecordRotationOutcomeUseCase } from './registrations/record-rotation-outcome.use-case';
import { RegisterServiceUseCase } from './registrations/register-service.use-case';
import { RequestCredentialRotationUseCase } from './registrations/request-credential-rotation.use-case';
import { RetryRegistrationUseCase } from './registrations/retry-registration.use-case';
import { DeprovisionRegistrationUseCase } from './registrations/deprovision-registration.use-case';
import { RegistryOrdersWriter } from './registrations/registry-orders.writer';
import { RegistrationsController } from './registrations/registrations.controller';
import { ProductRegistrationsController } from './registrations/product-registrations.controller';
import { ServiceRegistrationEntity } from './registrations/service-registration.entity';
import { ChangeTenantStatusUseCase } from './tenants/change-tenant-status.use-case';
import { CreateTenantUseCase } from './tenants/create-tenant.use-case';
import { OffboardTenantUseCase } from './tenants/offboard-tenant.use-case';
import { TenantOffboardingCompletion } from './tenants/tenant-offboarding-completion';
import { TenantEntity } from './tenants/tenant.entity';
import { TenantsController } from './tenants/tenants.controller';
import { RolloutProgressGauge } from './rollouts/rollout-progress.gauge';
import { DeadLetterCollector } from './dead-letters/dead-letter.collector';
import { DeadLetterEntity } from './dead-letters/dead-letter.entity';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { ResolveDeadLetterUseCase } from './dead-letters/resolve-dead-letter.use-case';

import { IssueOperatorTokenUseCase } from './operators/issue-operator-token.use-case';
import { OperatorTokenEntity } from './operators/operator-token.entity';
import { OperatorTokenStore } from './operators/operator-token.store';
import { OperatorTokensController } from './operators/operator-tokens.controller';
import { RevokeOperatorTokenUseCase } from './operators/revoke-operator-token.use-case';

import { TenantHistoryCollector } from './history/tenant-history.collector';
import { ProductFeedRelay } from './product-feed/product-feed.relay';
import { TenantHistoryController } from './history/tenant-history.controller';

import { HandleIntakeRequestUseCase } from './intake/handle-intake-request.use-case';
import { IntakeConsumer } from './intake/intake.consumer';
import { IntakePublishers } from './intake/intake-publishers';
import { IntakeRequestStore } from './intake/intake-request.store';
import { INTAKE_SETTINGS, bytesOf } from './intake/intake.settings';

export const SERVICE = 'tenant-registry';

@Module({})
export class AppModule implements NestModule {
  static register(config: TenantRegistryConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          service: SERVICE,
          config,
          migrations: tenantRegistryMigrations,
        }),
        OperatorAuthModule.forRoot(config.ADMIN_API_TOKEN, { namedTokens: OperatorTokenStore }),
        TypeOrmModule.forFeature([
          TenantEntity,
          ServiceRegistrationEntity,
          ProductEntity,
          ProductApiTokenEntity,
          ProductVersionEntity,
          RolloutEntity,
          RolloutTenantEntity,
          DeadLetterEntity,
          OperatorTokenEntity,
        ]),
        SecretStoreModule.forRoot(config),
        MessagingModule.forRoot(messagingOptionsFrom(SERVICE, config, platformEventCatalog)),
        HealthModule.forRoot([
          PostgresReadinessProbe,
          KafkaReadinessProbe,
          SecretStoreReadinessProbe,
        ]),
      ],
      controllers: [
        TenantsController,
        RegistrationsController,
        ProductRegistrationsController,
        ProductsController,
        ProductApiTokensController,
        RolloutsController,
        ProductFleetController,
        DeadLettersController,
        OperatorTokensController,
        TenantHistoryController,
        StageUpgradedHandler,
        StageUpgradeFailedHandler,
        TenantConnectionController,
        ServiceStatusChangedHandler,
        CredentialsIssuedHandler,
        CredentialsRotatedHandler,
        CredentialsRotationFailedHandler,
        ServiceDeprovisionedHandler,
      ],
      providers: [
        CreateTenantUseCase,
        PublishProductVersionUseCase,
        ProductApiTokensUseCase,
        ProductCatalogReader,
        RolloutDriver,
        StartRolloutUseCase,
        ChangeRolloutStateUseCase,
        RecordUpgradeOutcomeUseCase,
        RolloutsReader,
        RolloutProgressGauge,
        ProductFleetReader,
        RegisterServiceUseCase,
        ChangeTenantStatusUseCase,
        RequestCredentialRotationUseCase,
        RetryRegistrationUseCase,
        ChangeRegistrationLimitsUseCase,
        DeprovisionRegistrationUseCase,
        OffboardTenantUseCase,
        TenantOffboardingCompletion,
        RegistryOrdersWriter,
        RecordAppliedCredentialsUseCase,
        RecordRotationOutcomeUseCase,
        ResolveTenantConnectionUseCase,
        ResolveDeadLetterUseCase,
        DeadLetterCollector,
        TenantHistoryCollector,
        ProductFeedRelay,
        IssueOperatorTokenUseCase,
        RevokeOperatorTokenUseCase,
        { provide: IntakePublishers, useValue: config.INTAKE_PUBLISHERS },
        {
          provide: INTAKE_SETTINGS,
          useValue: {
            maxBytes: bytesOf(config.API_BODY_LIMIT),
            topicPartitions: config.KAFKA_TOPIC_PARTITIONS,
            concurrency: config.KAFKA_CONSUMER_CONCURRENCY,
          },
        },
        IntakeRequestStore,
        HandleIntakeRequestUseCase,
        IntakeConsumer,
        ProductTokenGuard,
        {
          provide: ProductTokenHasher,
          useValue: new ProductTokenHasher(config.PRODUCT_TOKEN_SECRET),
        },
        { provide: APP_PIPE, useClass: ZodValidationPipe },
        { provide: APP_INTERCEPTOR, useClass: DeclaredQueryInterceptor },
        { provide: APP_FILTER, useClass: UnavailableFilter },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(JsonBodyMiddleware).forRoutes('*');
  }
}
