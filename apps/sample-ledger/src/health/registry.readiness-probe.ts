import { ReadinessProbe } from '@enclave/service-kit';
import { Inject, Injectable } from '@nestjs/common';
import { SampleLedgerConfig } from '../config/sample-ledger.config';
import { SAMPLE_LEDGER_CONFIG } from '../config/sample-ledger-config.token';

/** Multi-tenant mode: cold tenants are resolved through the registry, so it must answer. */
@Injectable()
export class RegistryReadinessProbe implements ReadinessProbe {
  readonly name = 'tenant-registry';
  private readonly url: string;

  constructor(@Inject(SAMPLE_LEDGER_CONFIG) config: SampleLedgerConfig) {
    this.url = `${config.ENCLAVE_REGISTRY_URL!.replace(/\/+$/, '')}/health`;
  }

  async check() {
    const response = await fetch(this.url, { signal: AbortSignal.timeout(1_500) });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`the tenant-registry answered HTTP ${response.status}`);
    return { url: this.url };
  }
}
