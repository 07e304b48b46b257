// The platform's own RabbitMQ principal: a dedicated management user, not the broker's bootstrap
// `guest`. Tagged administrator (the broker-provisioner makes vhosts, users, permissions and
// limits) and with permissions on no vhost: the provisioner grants itself a tenant's vhost only
// while it declares the topology there, and removes the grant after. Made (or brought back to that
// state) through the management API with the bootstrap administrator's credentials; safe to repeat,
// and a server already running is only given one more user.
// Usage: RABBITMQ_MGMT_URL=<bootstrap admin URL> RABBITMQ_PLATFORM_USER=enclave-platform-dev \
//   RABBITMQ_PLATFORM_PASSWORD=… node -r @swc-node/register scripts/rabbitmq-platform-user.ts
// prints the management URL to give the broker-provisioner (RABBITMQ_MGMT_URL).

interface Credentials {
  readonly user: string;
  readonly password: string;
}

/** Makes sure the platform user exists as described; returns the management URL that logs in as it. */
export async function ensureRabbitPlatformUser(
  adminMgmtUrl: string,
  platform: Credentials,
): Promise<string> {
  const admin = new URL(adminMgmtUrl);
  const base = `${admin.origin}${admin.pathname.replace(/\/?$/, '/')}api/`;
  const asAdmin = basic(decodeURIComponent(admin.username), decodeURIComponent(admin.password));
  const call = async (method: string, path: string, authorization: string, body?: unknown) => {
    const response = await fetch(base + path, {
      method,
      headers: { authorization, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const user = encodeURIComponent(platform.user);

  // Already there with this password and the tag: nothing to write (a PUT would re-salt the hash).
  const self = await call('GET', 'whoami', basic(platform.user, platform.password));
  const tags = (self.body as { tags?: unknown } | undefined)?.tags;
  const tagged = Array.isArray(tags) ? tags.includes('administrator') : tags === 'administrator';
  if (self.status !== 200 || !tagged) {
    const put = await call('PUT', `users/${user}`, asAdmin, {
      password: platform.password,
      tags: 'administrator',
    });
    if (put.status !== 201 && put.status !== 204)
      throw new Error(`RabbitMQ refused to create user ${platform.user}: ${put.status}`);
    // Permissions a user of that name held before (given by hand): it keeps none. Only here, as
    // a provisioner at work holds some for a moment (see RabbitMqTenantProvisioner).
    const held = await call('GET', `users/${user}/permissions`, asAdmin);
    for (const { vhost } of (held.body as Array<{ vhost: string }> | undefined) ?? [])
      await call('DELETE', `permissions/${encodeURIComponent(vhost)}/${user}`, asAdmin);
  }

  const url = new URL(adminMgmtUrl);
  url.username = encodeURIComponent(platform.user);
  url.password = encodeURIComponent(platform.password);
  return url.toString().replace(/\/$/, '');
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

if (require.main === module) {
  const read = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  ensureRabbitPlatformUser(read('RABBITMQ_MGMT_URL'), {
    user: read('RABBITMQ_PLATFORM_USER'),
    password: read('RABBITMQ_PLATFORM_PASSWORD'),
  }).then(
    (url) => console.log(url),
    (error: unknown) => {
      console.error(String(error));
      process.exit(1);
    },
  );
}
