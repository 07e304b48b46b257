import { SERVICE_NAME } from '@enclave/service-kit';
import { DynamicModule, Module } from '@nestjs/common';
import { SampleLedgerConfig } from './sample-ledger.config';
import { SAMPLE_LEDGER_CONFIG } from './sample-ledger-config.token';

/**
 * The validated config and the service name, global: the health module's controller and probes are
 * built in their own module and need both.
 */
@Module({})
export class SampleLedgerConfigModule {
  static forRoot(options: { service: string; config: SampleLedgerConfig }): DynamicModule {
    return {
      module: SampleLedgerConfigModule,
      global: true,
      providers: [
        { provide: SAMPLE_LEDGER_CONFIG, useValue: options.config },
        { provide: SERVICE_NAME, useValue: options.service },
      ],
      exports: [SAMPLE_LEDGER_CONFIG, SERVICE_NAME],
    };
  }
}
