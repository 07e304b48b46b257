import { TenancyModule } from '@enclave/tenancy-sdk';
import { DynamicModule, Module } from '@nestjs/common';
import { SampleLedgerConfig } from '../config/sample-ledger.config';
import { SAMPLE_LEDGER_CONFIG } from '../config/sample-ledger-config.token';
import { LedgerLifecycle } from './ledger-lifecycle.service';
import { tenancyOptionsFrom } from './tenancy-options';

/**
 * The tenancy SDK (TenantContext, TenantInterceptor, the connection manager, 401/403/404/503
 * answers) and the lifecycle listener wired to it. Global, so readiness probes can see both.
 */
@Module({})
export class LedgerTenancyModule {
  static forRoot(): DynamicModule {
    return {
      module: LedgerTenancyModule,
      global: true,
      imports: [
        TenancyModule.forRootAsync({
          inject: [SAMPLE_LEDGER_CONFIG],
          useFactory: (config: SampleLedgerConfig) => tenancyOptionsFrom(config),
        }),
      ],
      providers: [LedgerLifecycle],
      exports: [LedgerLifecycle],
    };
  }
}
