import { Provider } from '@nestjs/common';
import { APP_CONFIG } from '../config/app-config.token';
import { BrokerProvisionerConfig } from '../config/broker-provisioner.config';
import { RabbitMqTenantProvisioner } from './rabbitmq-tenant.provisioner';

/** What the RabbitMQ stage needs from the container: the provisioner, driving the management API from config. */
export const brokerProvisioningProviders: Provider[] = [
  {
    provide: RabbitMqTenantProvisioner,
    inject: [APP_CONFIG],
    useFactory: (config: BrokerProvisionerConfig) =>
      new RabbitMqTenantProvisioner(config.RABBITMQ_MGMT_URL),
  },
];
