import { TestInfra } from '@enclave/testing';

interface Binding {
  source: string;
  destination: string;
  destination_type: string;
  routing_key: string;
  arguments: Record<string, unknown>;
}

/**
 * Looks at RabbitMQ through the management API as the administrator, independently of the code
 * under test: raw calls, and a snapshot of everything a tenant's provisioning touches.
 */
export class RabbitMqAdminProbe {
  private readonly base: string;
  private readonly authorization: string;

  constructor(private readonly infra: TestInfra) {
    const url = new URL(infra.rabbitmqMgmtUrl);
    this.authorization = basicAuth(
      decodeURIComponent(url.username),
      decodeURIComponent(url.password),
    );
    this.base = `${url.origin}${url.pathname.replace(/\/?$/, '/')}api/`;
  }

  /** A raw call; `as` sends other basic-auth credentials than the administrator's. */
  async call(
    method: string,
    path: string,
    body?: unknown,
    as?: { user: string; password: string },
  ): Promise<{ status: number; body: unknown }> {
    const response = await fetch(this.base + path, {
      method,
      headers: {
        authorization: as ? basicAuth(as.user, as.password) : this.authorization,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async get<T = unknown>(path: string): Promise<T> {
    const { status, body } = await this.call('GET', path);
    if (status !== 200) throw new Error(`GET ${path} answered ${status}`);
    return body as T;
  }

  async status(path: string): Promise<number> {
    return (await this.call('GET', path)).status;
  }

  async version(): Promise<string> {
    return (await this.get<{ rabbitmq_version: string }>('overview')).rabbitmq_version;
  }

  /** Everything provisioning creates for a vhost and user, in a stable order, without runtime stats. */
  async snapshot(vhost: string, user: string) {
    const v = encodeURIComponent(vhost);
    const u = encodeURIComponent(user);
    const [
      vhostInfo,
      userInfo,
      permissions,
      topicPermissions,
      limits,
      exchanges,
      queues,
      bindings,
    ] = await Promise.all([
      this.get<Record<string, unknown>>(`vhosts/${v}`),
      this.get<Record<string, unknown>>(`users/${u}`),
      this.get(`users/${u}/permissions`),
      this.get(`users/${u}/topic-permissions`),
      this.get(`vhost-limits/${v}`),
      this.get<Array<{ name: string }>>(
        `exchanges/${v}?columns=name,type,durable,auto_delete,internal,arguments`,
      ),
      this.get<Array<{ name: string }>>(
        `queues/${v}?columns=name,durable,auto_delete,exclusive,arguments`,
      ),
      this.get<Binding[]>(`bindings/${v}`),
    ]);
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    return {
      vhost: { name: vhostInfo.name, description: vhostInfo.description, tags: vhostInfo.tags },
      user: userInfo,
      permissions,
      topicPermissions,
      limits,
      // The broker's own exchanges (the default one and amq.*) are in every vhost.
      exchanges: exchanges.filter((e) => e.name !== '' && !e.name.startsWith('amq.')).sort(byName),
      queues: [...queues].sort(byName),
      // Every queue is bound to the default exchange implicitly; those are the broker's, not ours.
      bindings: bindings
        .filter((b) => b.source !== '')
        .map(({ source, destination, destination_type, routing_key, arguments: args }) => ({
          source,
          destination,
          destination_type,
          routing_key,
          arguments: args,
        }))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    };
  }

  /** `amqp://user:password@<broker>/<vhost>`, the broker's host and port taken from RABBITMQ_URL. */
  amqpUrl(user: string, password: string, vhost: string): string {
    const broker = new URL(this.infra.rabbitmqUrl);
    return `amqp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${broker.host}/${encodeURIComponent(vhost)}`;
  }
}

function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
