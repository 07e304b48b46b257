import { ReadinessProbe } from '@enclave/service-kit';
import { TenantConnectionManager } from '@enclave/tenancy-sdk';
import { Inject, Injectable } from '@nestjs/common';
import { SampleLedgerConfig } from '../config/sample-ledger.config';
import { SAMPLE_LEDGER_CONFIG } from '../config/sample-ledger-config.token';

/** Single-tenant mode: the one pre-configured database must answer. */
@Injectable()
export class SingleTenantDatabaseProbe implements ReadinessProbe {
  readonly name = 'postgres';

  constructor(
    @Inject(TenantConnectionManager) private readonly connections: TenantConnectionManager,
    @Inject(SAMPLE_LEDGER_CONFIG) private readonly config: SampleLedgerConfig,
  ) {}

  async check() {
    const client = await this.connections.postgres(this.config.SINGLE_TENANT_ID);
    try {
      await client.query('SELECT 1');
    } finally {
      client.release();
    }
  }
}
