import { ReadinessProbe } from '@enclave/service-kit';
import { Inject, Injectable } from '@nestjs/common';
import { LedgerLifecycle } from '../tenancy/ledger-lifecycle.service';

/** Multi-tenant mode: without the lifecycle listener a suspended tenant would still be served. */
@Injectable()
export class LifecycleReadinessProbe implements ReadinessProbe {
  readonly name = 'tenant-lifecycle';

  constructor(@Inject(LedgerLifecycle) private readonly lifecycle: LedgerLifecycle) {}

  async check() {
    if (this.lifecycle.state !== 'listening') {
      throw new Error(`the lifecycle listener is ${this.lifecycle.state}`);
    }
    return { since: this.lifecycle.since?.toISOString() };
  }
}
