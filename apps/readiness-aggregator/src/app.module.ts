import { platformEventCatalog } from '@enclave/contracts';
import {
  KafkaReadinessProbe,
  MessagingModule,
  MessagingOptions,
  messagingOptionsFrom,
} from '@enclave/messaging';
import {
  HealthModule,
  OperatorAuthModule,
  PostgresReadinessProbe,
  ServiceKitModule,
} from '@enclave/service-kit';
import { SecretStoreModule, SecretStoreReadinessProbe } from '@enclave/secret-store';
import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ReadinessAggregatorConfig } from './config/readiness-aggregator.config';
import { BrokerProvisionedHandler } from './handlers/broker-provisioned.handler';
import { CredentialsIssuedHandler } from './handlers/credentials-issued.handler';
import { MigrationsAppliedHandler } from './handlers/migrations-applied.handler';
import { MongoProvisionedHandler } from './handlers/mongo-provisioned.handler';
import { PostgresProvisionedHandler } from './handlers/postgres-provisioned.handler';
import { ServiceDeprovisionRequestedHandler } from './handlers/service-deprovision-requested.handler';
import { ServiceRegisteredHandler } from './handlers/service-registered.handler';
import { ServiceRetryRequestedHandler } from './handlers/service-retry-requested.handler';
import { StageFailedHandler } from './handlers/stage-failed.handler';
import { StageReleasedHandler } from './handlers/stage-released.handler';
import { readinessAggregatorMigrations } from './migrations/readiness-aggregator.migrations';
import { TrackRotationUseCase } from './rotation/track-rotation.use-case';
import { RecordStageOutcomeUseCase } from './status/record-stage-outcome.use-case';
import { ReopenFailedServiceUseCase } from './status/reopen-failed-service.use-case';
import { ServiceStatusEntity } from './status/service-status.entity';
import { TrackReleaseUseCase } from './status/track-release.use-case';
import { StatusController } from './status/status.controller';
import { RegistrationStateGauge } from './metrics/registration-state.gauge';

export const SERVICE = 'readiness-aggregator';

@Module({})
export class AppModule {
  /** `messaging` overrides, e.g. a consumer group of its own for a test run sharing a cluster. */
  static register(
    config: ReadinessAggregatorConfig,
    messaging: Partial<MessagingOptions> = {},
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          service: SERVICE,
          config,
          migrations: readinessAggregatorMigrations,
        }),
        // The status view is for operators: the registry's token, on every route but health.
        OperatorAuthModule.forRoot(config.ADMIN_API_TOKEN),
        TypeOrmModule.forFeature([ServiceStatusEntity]),
        SecretStoreModule.forRoot(config),
        MessagingModule.forRoot(
          messagingOptionsFrom(SERVICE, config, platformEventCatalog, messaging),
        ),
        HealthModule.forRoot([
          PostgresReadinessProbe,
          KafkaReadinessProbe,
          SecretStoreReadinessProbe,
        ]),
      ],
      controllers: [
        StatusController,
        ServiceRegisteredHandler,
        CredentialsIssuedHandler,
        PostgresProvisionedHandler,
        MongoProvisionedHandler,
        BrokerProvisionedHandler,
        MigrationsAppliedHandler,
        StageFailedHandler,
        ServiceRetryRequestedHandler,
        ServiceDeprovisionRequestedHandler,
        StageReleasedHandler,
      ],
      providers: [
        RecordStageOutcomeUseCase,
        TrackRotationUseCase,
        ReopenFailedServiceUseCase,
        TrackReleaseUseCase,
        RegistrationStateGauge,
      ],
    };
  }
}
