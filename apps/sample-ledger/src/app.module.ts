import { HealthModule, LoggingModule, MetricsModule } from '@enclave/service-kit';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { ZodValidationPipe } from 'nestjs-zod';
import { AccountsController } from './accounts/accounts.controller';
import { GetBalanceUseCase } from './accounts/get-balance.use-case';
import { ListAccountsUseCase } from './accounts/list-accounts.use-case';
import { OpenAccountUseCase } from './accounts/open-account.use-case';
import { SampleLedgerConfig } from './config/sample-ledger.config';
import { SampleLedgerConfigModule } from './config/sample-ledger-config.module';
import { LifecycleReadinessProbe } from './health/lifecycle.readiness-probe';
import { RegistryReadinessProbe } from './health/registry.readiness-probe';
import { SingleTenantDatabaseProbe } from './health/single-tenant-database.readiness-probe';
import { TenantTraceInterceptor } from './http/tenant-trace.interceptor';
import { AccountMetadataController } from './metadata/account-metadata.controller';
import { AccountMetadataStore } from './metadata/account-metadata.store';
import { GetAccountMetadataUseCase } from './metadata/get-account-metadata.use-case';
import { SetAccountMetadataUseCase } from './metadata/set-account-metadata.use-case';
import { LedgerTenancyModule } from './tenancy/ledger-tenancy.module';
import { PostTransactionUseCase } from './transactions/post-transaction.use-case';
import { TransactionEventsPublisher } from './transactions/transaction-events.publisher';
import { TransactionsController } from './transactions/transactions.controller';

export const SERVICE = 'sample-ledger';

/**
 * A product built on the platform: no database of its own, only its tenants' (multi-tenant mode) or
 * the one it is given (single-tenant mode), reached through the tenancy SDK.
 */
@Module({})
export class AppModule {
  static register(config: SampleLedgerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SampleLedgerConfigModule.forRoot({ service: SERVICE, config }),
        LoggingModule.forRoot({ service: SERVICE, level: config.LOG_LEVEL }),
        // The tenancy SDK's pool and resolution metrics are on the same registry (tenancyOptionsFrom).
        MetricsModule.forRoot({ service: SERVICE, token: config.METRICS_TOKEN }),
        LedgerTenancyModule.forRoot(),
        HealthModule.forRoot(
          config.MULTI_TENANT_ENABLED
            ? [RegistryReadinessProbe, LifecycleReadinessProbe]
            : [SingleTenantDatabaseProbe],
        ),
      ],
      controllers: [AccountsController, AccountMetadataController, TransactionsController],
      providers: [
        OpenAccountUseCase,
        ListAccountsUseCase,
        GetBalanceUseCase,
        AccountMetadataStore,
        SetAccountMetadataUseCase,
        GetAccountMetadataUseCase,
        TransactionEventsPublisher,
        PostTransactionUseCase,
        TenantTraceInterceptor,
        { provide: APP_PIPE, useClass: ZodValidationPipe },
      ],
    };
  }
}
