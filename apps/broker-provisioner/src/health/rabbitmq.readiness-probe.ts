import { ReadinessProbe } from '@enclave/service-kit';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/app-config.token';
import { BrokerProvisionerConfig } from '../config/broker-provisioner.config';

/** The management API is what provisioning drives, so it is what readiness checks. */
@Injectable()
export class RabbitMqReadinessProbe implements ReadinessProbe {
  readonly name = 'rabbitmq';
  private readonly url: URL;
  private readonly authorization: string;

  constructor(@Inject(APP_CONFIG) config: BrokerProvisionerConfig) {
    const url = new URL(config.RABBITMQ_MGMT_URL);
    this.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url.username = '';
    url.password = '';
    this.url = url;
  }

  async check() {
    const response = await fetch(new URL('api/aliveness-test/%2F', this.url), {
      headers: { authorization: this.authorization },
      signal: AbortSignal.timeout(1_500),
    });
    if (!response.ok) throw new Error(`management API answered ${response.status}`);
  }
}
