import type { TestInfra } from '@enclave/testing';
import { createHmac } from 'node:crypto';
import { ensureRabbitPlatformUser } from '../../../scripts/rabbitmq-platform-user';

/**
 * The platform's own RabbitMQ user for this profile, made through the management API as
 * scripts/platform-up.sh makes it, so the tests drive the broker as the platform does (not as the
 * bootstrap `guest`). Its password is derived from the bootstrap administrator's, so the URL is
 * known before the user is made and suites running at the same time all set the same password.
 */
export function platformRabbitMqUser(infra: TestInfra) {
  const admin = new URL(infra.rabbitmqMgmtUrl);
  const profile = process.env['INFRA_PROFILE'] ?? 'test';
  const user = `enclave-platform-${profile}`;
  const password = createHmac('sha256', decodeURIComponent(admin.password))
    .update(`enclave-rabbitmq-platform:${profile}:${decodeURIComponent(admin.username)}`)
    .digest('base64url');
  const url = new URL(infra.rabbitmqMgmtUrl);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  let ensured: Promise<string> | undefined;
  return {
    user,
    /** Its management URL (the broker-provisioner's RABBITMQ_MGMT_URL); good once `ensure` is done. */
    url: url.toString().replace(/\/$/, ''),
    /** Makes the user, or checks it is there as it should be. */
    ensure: () => (ensured ??= ensureRabbitPlatformUser(infra.rabbitmqMgmtUrl, { user, password })),
  };
}
