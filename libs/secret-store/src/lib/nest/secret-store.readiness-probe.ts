import { Inject, Injectable } from '@nestjs/common';
import { ReadinessProbe } from '@enclave/service-kit';
import { SECRET_STORE_BACKEND, SecretStoreBackend } from '../secret-store-backend';

/** `/health/ready` indicator `vault`: the selected backend answers a cheap call. */
@Injectable()
export class SecretStoreReadinessProbe implements ReadinessProbe {
  readonly name = 'vault';

  constructor(@Inject(SECRET_STORE_BACKEND) private readonly backend: SecretStoreBackend) {}

  check(): Promise<Record<string, unknown>> {
    return this.backend.ping();
  }
}
