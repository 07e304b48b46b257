import { StageRuntimeModule } from '@enclave/lifecycle';
import { MessagingOptions } from '@enclave/messaging';
import { DynamicModule, Module } from '@nestjs/common';
import { CredentialServiceConfig } from './config/credential-service.config';
import { credentialServiceMigrations } from './migrations/credential-service.migrations';
import { CredentialsStageUseCase } from './credentials/credentials-stage.use-case';
import { IssueCredentialsUseCase } from './credentials/issue-credentials.use-case';
import { RevokeCredentialsUseCase } from './credentials/revoke-credentials.use-case';
import { RevokedRegistrations } from './credentials/revoked-registrations';
import { RotateCredentialsUseCase } from './credentials/rotate-credentials.use-case';
import { CredentialsRotationRequestedHandler } from './handlers/credentials-rotation-requested.handler';
import { ServiceDeprovisionRequestedHandler } from './handlers/service-deprovision-requested.handler';
import { ServiceRegisteredHandler } from './handlers/service-registered.handler';
import { ServiceRetryStartedHandler } from './handlers/service-retry-started.handler';

export const SERVICE = 'credential-service';

@Module({})
export class AppModule {
  /** `messaging` overrides, e.g. a consumer group of its own for a test run sharing a cluster. */
  static register(
    config: CredentialServiceConfig,
    messaging: Partial<MessagingOptions> = {},
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        StageRuntimeModule.forStage({
          service: SERVICE,
          config,
          migrations: credentialServiceMigrations,
          messaging,
        }),
      ],
      controllers: [
        ServiceRegisteredHandler,
        ServiceRetryStartedHandler,
        ServiceDeprovisionRequestedHandler,
        CredentialsRotationRequestedHandler,
      ],
      providers: [
        IssueCredentialsUseCase,
        CredentialsStageUseCase,
        RotateCredentialsUseCase,
        RevokeCredentialsUseCase,
        RevokedRegistrations,
      ],
    };
  }
}
