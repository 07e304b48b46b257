import { ReadinessProbe } from '@enclave/service-kit';
import { Inject, Injectable } from '@nestjs/common';
import { CONSOLE_CONFIG } from '../config/console-config.token';
import type { OperatorConsoleConfig } from '../config/operator-console.config';

/** The console is of no use while the registry, whose API it shows, does not answer. */
@Injectable()
export class RegistryReadinessProbe implements ReadinessProbe {
  readonly name = 'tenant-registry';

  constructor(@Inject(CONSOLE_CONFIG) private readonly config: OperatorConsoleConfig) {}

  async check() {
    const url = `${this.config.REGISTRY_URL.replace(/\/$/, '')}/health/ready`;
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) throw new Error(`registry readiness answered ${response.status}`);
  }
}
