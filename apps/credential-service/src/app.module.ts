import { platformEventCatalog } from '@enclave/contracts';
import { KafkaReadinessProbe, MessagingModule, messagingOptionsFrom } from '@enclave/messaging';
import { SecretStoreModule, SecretStoreReadinessProbe } from '@enclave/secret-store';
import { HealthModule, PostgresReadinessProbe, ServiceKitModule } from '@enclave/service-kit';
import { DynamicModule, Module } from '@nestjs/common';
import { CredentialServiceConfig } from './config/credential-service.config';
import { IssueCredentialsUseCase } from './credentials/issue-credentials.use-case';
import { ServiceRegisteredHandler } from './handlers/service-registered.handler';

export const SERVICE = 'credential-service';

@Module({})
export class AppModule {
  static register(config: CredentialServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({ service: SERVICE, config }),
        SecretStoreModule.forRoot(config),
        MessagingModule.forRoot(messagingOptionsFrom(SERVICE, config, platformEventCatalog)),
        HealthModule.forRoot([
          PostgresReadinessProbe,
          KafkaReadinessProbe,
          SecretStoreReadinessProbe,
        ]),
      ],
      controllers: [ServiceRegisteredHandler],
      providers: [IssueCredentialsUseCase],
    };
  }
}
