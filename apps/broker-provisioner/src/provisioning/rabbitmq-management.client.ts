import { RabbitMqApiError } from './rabbitmq-api.error';

export interface RabbitMqVhost {
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  /** Started on every node. A vhost is visible before it is started; queues cannot be declared until then. */
  readonly running: boolean;
}

export interface RabbitMqUser {
  readonly name: string;
  readonly tags: readonly string[];
  readonly passwordHash: string;
  readonly hashingAlgorithm: string;
}

export interface RabbitMqPermissions {
  readonly configure: string;
  readonly write: string;
  readonly read: string;
}

export interface RabbitMqUserPermission extends RabbitMqPermissions {
  readonly vhost: string;
  /** Set when listed per vhost. */
  readonly user?: string;
}

/** An AMQP connection as the API lists it. */
export interface RabbitMqConnection {
  readonly name: string;
  readonly user: string;
  /** When it was opened, by the broker's clock (ms since the epoch). */
  readonly connectedAt: number;
}

export type RabbitMqVhostLimit = 'max-connections' | 'max-queues';

/** Per-user limits (RabbitMQ ≥ 3.8.10 with the `user_limits` feature flag, enabled on 3.10). */
export type RabbitMqUserLimit = 'max-connections' | 'max-channels';

export interface RabbitMqManagementClientOptions {
  /** Per call; a PUT that timed out may still have been applied, which is fine as every write converges. */
  readonly timeoutMs?: number;
}

/**
 * A small typed wrapper over the RabbitMQ management HTTP API (3.10): the calls the broker
 * provisioner makes, with names encoded, a timeout per call, and failures turned into
 * RabbitMqApiError (status, the API's reason, permanent or transient). The administrator
 * credentials come from the URL and travel only in the Authorization header; they and any password
 * sent are scrubbed from error messages.
 */
export class RabbitMqManagementClient {
  /** The administrator the API is driven as (the management URL's user). */
  readonly administrator: string;
  private readonly baseUrl: string;
  private readonly authorization: string;
  private readonly adminPassword: string;
  private readonly timeoutMs: number;

  constructor(managementUrl: string, options: RabbitMqManagementClientOptions = {}) {
    let url: URL;
    try {
      url = new URL(managementUrl);
    } catch {
      // Not rethrown as is: URL errors carry the input, credentials included.
      throw new Error('the RabbitMQ management URL is not a valid URL');
    }
    this.administrator = decodeURIComponent(url.username);
    this.adminPassword = decodeURIComponent(url.password);
    this.authorization = `Basic ${Buffer.from(`${this.administrator}:${this.adminPassword}`).toString('base64')}`;
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    // A path prefix (the API behind a reverse proxy) is kept: calls go to <prefix>/api/...
    this.baseUrl = url.toString().replace(/\/?$/, '/');
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  /**
   * Who the API takes the administrator to be, with its tags. Unlike the aliveness test, it needs
   * no permissions on any vhost, which the platform's principal does not keep.
   */
  async whoami(): Promise<{ name: string; tags: string[] }> {
    const body = (await this.read<{ name: string; tags?: unknown }>('whoami'))!;
    return { name: body.name, tags: tagList(body.tags) };
  }

  async getVhost(vhost: string): Promise<RabbitMqVhost | undefined> {
    const body = await this.read<{
      name: string;
      description?: string;
      tags?: unknown;
      cluster_state?: Record<string, string>;
    }>(path`vhosts/${vhost}`);
    return (
      body && {
        name: body.name,
        description: body.description ?? '',
        tags: tagList(body.tags),
        running: Object.values(body.cluster_state ?? {}).every((state) => state === 'running'),
      }
    );
  }

  /**
   * Creates the vhost, or rewrites its description and tags when it exists. True when this call
   * created it: the API then also granted the administrator full permissions in it.
   */
  async putVhost(
    vhost: string,
    metadata: { description: string; tags: readonly string[] },
  ): Promise<boolean> {
    const status = await this.send('PUT', path`vhosts/${vhost}`, {
      description: metadata.description,
      tags: metadata.tags.join(','),
    });
    return status === 201;
  }

  /** Deletes the vhost with everything in it (exchanges, queues, permissions, limits); false when absent. */
  deleteVhost(vhost: string): Promise<boolean> {
    return this.remove(path`vhosts/${vhost}`);
  }

  async getUser(user: string): Promise<RabbitMqUser | undefined> {
    const body = await this.read<{
      name: string;
      tags?: unknown;
      password_hash?: string;
      hashing_algorithm?: string;
    }>(path`users/${user}`);
    return (
      body && {
        name: body.name,
        tags: tagList(body.tags),
        passwordHash: body.password_hash ?? '',
        hashingAlgorithm: body.hashing_algorithm ?? '',
      }
    );
  }

  /** Creates the user or sets its password and tags (no tags: no management UI/API access). */
  async putUser(
    user: string,
    credentials: { password: string; tags: readonly string[] },
  ): Promise<void> {
    const body = { password: credentials.password, tags: credentials.tags.join(',') };
    try {
      await this.send('PUT', path`users/${user}`, body);
    } catch (error) {
      // The API checks for the user, then adds it: when two PUTs race, the later add fails with
      // user_already_exists. Once the user exists, the same PUT takes the update path.
      if (!(
        error instanceof RabbitMqApiError &&
        error.status === 400 &&
        error.reason.includes('user_already_exists')
      ))
        throw error;
      await this.send('PUT', path`users/${user}`, body);
    }
  }

  /** False when the user did not exist. */
  deleteUser(user: string): Promise<boolean> {
    return this.remove(path`users/${user}`);
  }

  /** Every vhost the user has permissions on; empty when the user does not exist. */
  async listUserPermissions(user: string): Promise<RabbitMqUserPermission[]> {
    const body = await this.read<RabbitMqUserPermission[]>(path`users/${user}/permissions`);
    return (body ?? []).map(({ vhost, configure, write, read }) => ({
      vhost,
      configure,
      write,
      read,
    }));
  }

  async putPermissions(
    vhost: string,
    user: string,
    permissions: RabbitMqPermissions,
  ): Promise<void> {
    await this.send('PUT', path`permissions/${vhost}/${user}`, { ...permissions });
  }

  /** Removes the user's permissions on the vhost; false when it had none. */
  deletePermissions(vhost: string, user: string): Promise<boolean> {
    return this.remove(path`permissions/${vhost}/${user}`);
  }

  /** The vhost's open AMQP connections (those the API already knows of). */
  async listVhostConnections(vhost: string): Promise<RabbitMqConnection[]> {
    const body = await this.read<{ name: string; user: string; connected_at?: number }[]>(
      path`vhosts/${vhost}/connections`,
    );
    return (body ?? []).map((c) => ({
      name: c.name,
      user: c.user,
      connectedAt: c.connected_at ?? 0,
    }));
  }

  /** Closes a connection, telling the client why; false when it was already gone. */
  async closeConnection(name: string, reason: string): Promise<boolean> {
    const response = await this.call('DELETE', path`connections/${name}`, undefined, [404], {
      'x-reason': reason,
    });
    await response.body?.cancel();
    return response.status !== 404;
  }

  /**
   * Sets all of the vhost's limits in one write. `PUT /api/vhost-limits/{v}/{limit}` is a
   * read-modify-write of the same stored value, so two of them at once (one provision setting both
   * limits in parallel, or two replicas) lose updates — measured: 11 of 20 parallel pairs here.
   * The runtime parameter behind them takes the whole value atomically, validated the same way.
   */
  async putVhostLimits(
    vhost: string,
    limits: Readonly<Record<RabbitMqVhostLimit, number>>,
  ): Promise<void> {
    await this.send('PUT', path`parameters/vhost-limits/${vhost}/limits`, { value: { ...limits } });
  }

  /** Sets one of the user's limits (each limit is its own key: no read-modify-write). */
  async putUserLimit(user: string, limit: RabbitMqUserLimit, value: number): Promise<void> {
    await this.send('PUT', path`user-limits/${user}/${limit}`, { value });
  }

  /** Removes one of the user's limits; false when it had none. */
  deleteUserLimit(user: string, limit: RabbitMqUserLimit): Promise<boolean> {
    return this.remove(path`user-limits/${user}/${limit}`);
  }

  /** The user's limits; empty when it has none or does not exist. */
  async getUserLimits(user: string): Promise<Partial<Record<RabbitMqUserLimit, number>>> {
    const body = await this.read<{ value?: Record<string, number> }[]>(path`user-limits/${user}`);
    return Object.assign({}, ...(body ?? []).map((entry) => entry.value ?? {}));
  }

  /** Every user with permissions on the vhost. */
  async listVhostPermissions(vhost: string): Promise<RabbitMqUserPermission[]> {
    const body = await this.read<RabbitMqUserPermission[]>(path`vhosts/${vhost}/permissions`);
    return (body ?? []).map(({ user, vhost: v, configure, write, read }) => ({
      user,
      vhost: v,
      configure,
      write,
      read,
    }));
  }

  /** The names of the vhost's queues (an administrator sees them all). */
  async listQueueNames(vhost: string): Promise<string[]> {
    const body = await this.read<{ name: string }[]>(path`queues/${vhost}?columns=name`);
    return (body ?? []).map((q) => q.name);
  }

  /** The names of the vhost's exchanges, the server's own (`amq.*`, the default) included. */
  async listExchangeNames(vhost: string): Promise<string[]> {
    const body = await this.read<{ name: string }[]>(path`exchanges/${vhost}?columns=name`);
    return (body ?? []).map((e) => e.name);
  }

  /** Deletes a queue with its messages and bindings; false when absent. */
  deleteQueue(vhost: string, queue: string): Promise<boolean> {
    return this.remove(path`queues/${vhost}/${queue}`);
  }

  /** Deletes an exchange with its bindings; false when absent. */
  deleteExchange(vhost: string, exchange: string): Promise<boolean> {
    return this.remove(path`exchanges/${vhost}/${exchange}`);
  }

  /** Declares a durable exchange; re-declaring an identical one is a no-op, a different one a 400. */
  async putExchange(vhost: string, exchange: string, type: string): Promise<void> {
    await this.send('PUT', path`exchanges/${vhost}/${exchange}`, {
      type,
      durable: true,
      auto_delete: false,
      internal: false,
      arguments: {},
    });
  }

  /** Declares a durable queue; re-declaring it with the same arguments is a no-op, with others a 400. */
  async putQueue(
    vhost: string,
    queue: string,
    args: Readonly<Record<string, string | number>>,
  ): Promise<void> {
    await this.send('PUT', path`queues/${vhost}/${queue}`, {
      durable: true,
      auto_delete: false,
      arguments: args,
    });
  }

  /**
   * Binds a queue to an exchange. The broker keeps bindings as a set keyed by (source, destination,
   * routing key, arguments), so posting the same binding again answers 201 and adds nothing.
   */
  async bindQueue(
    vhost: string,
    exchange: string,
    queue: string,
    routingKey: string,
  ): Promise<void> {
    await this.send('POST', path`bindings/${vhost}/e/${exchange}/q/${queue}`, {
      routing_key: routingKey,
      arguments: {},
    });
  }

  private async read<T>(apiPath: string): Promise<T | undefined> {
    const response = await this.call('GET', apiPath, undefined, [404]);
    return response.status === 404 ? undefined : ((await response.json()) as T);
  }

  private async send(
    method: 'PUT' | 'POST',
    apiPath: string,
    body: Record<string, unknown>,
  ): Promise<number> {
    const response = await this.call(method, apiPath, body);
    await response.body?.cancel();
    return response.status;
  }

  private async remove(apiPath: string): Promise<boolean> {
    const response = await this.call('DELETE', apiPath, undefined, [404]);
    await response.body?.cancel();
    return response.status !== 404;
  }

  private async call(
    method: string,
    apiPath: string,
    body: Record<string, unknown> | undefined,
    accepted: readonly number[] = [],
    extraHeaders: Record<string, string> = {},
  ): Promise<Response> {
    const secrets = [this.adminPassword, typeof body?.password === 'string' ? body.password : ''];
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}api/${apiPath}`, {
        method,
        headers: {
          authorization: this.authorization,
          ...extraHeaders,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw transportError(method, apiPath, error, this.timeoutMs, secrets);
    }
    if (response.ok || accepted.includes(response.status)) return response;
    const text = await response.text().catch(() => '');
    throw new RabbitMqApiError(
      method,
      apiPath,
      response.status,
      redact(reasonOf(text, response.statusText), secrets),
    );
  }
}

/** Builds an API path with every interpolated name percent-encoded (vhost `/` becomes `%2F`). */
function path(strings: TemplateStringsArray, ...names: string[]): string {
  return strings.reduce(
    (out, literal, i) => out + literal + (i < names.length ? segment(names[i]) : ''),
    '',
  );
}

function segment(name: string): string {
  // URL parsing resolves `.`/`..` segments (even percent-encoded), so such names cannot be addressed.
  if (name === '' || /^(\.|%2e){1,2}$/i.test(name))
    throw new Error(`"${name}" cannot be a RabbitMQ API path segment`);
  return encodeURIComponent(name);
}

/** 3.10 answers tags as a list; older servers as a comma-separated string. */
function tagList(tags: unknown): string[] {
  if (Array.isArray(tags)) return tags.map(String);
  return typeof tags === 'string' ? tags.split(',').filter(Boolean) : [];
}

function reasonOf(text: string, fallback: string): string {
  try {
    const parsed = JSON.parse(text) as { reason?: unknown; error?: unknown };
    return erlangTermToText(parsed.reason ?? parsed.error ?? fallback);
  } catch {
    return text.trim().slice(0, 500) || fallback;
  }
}

/** Some reasons are raw Erlang terms: lists of tuples, with strings as lists of character codes. */
function erlangTermToText(term: unknown): string {
  if (typeof term === 'string') return term;
  if (Array.isArray(term)) {
    if (term.length > 0 && term.every((c) => Number.isInteger(c) && c >= 9 && c <= 0x10ffff)) {
      return String.fromCodePoint(...(term as number[]));
    }
    return term.map(erlangTermToText).join(' ');
  }
  return JSON.stringify(term) ?? String(term);
}

function transportError(
  method: string,
  apiPath: string,
  error: unknown,
  timeoutMs: number,
  secrets: string[],
): RabbitMqApiError {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new RabbitMqApiError(
      method,
      apiPath,
      undefined,
      `no answer within ${timeoutMs} ms`,
      'ETIMEDOUT',
    );
  }
  // undici reports "fetch failed" with the socket error (ECONNREFUSED, ECONNRESET…) as its cause.
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message =
    typeof cause?.message === 'string' ? cause.message : String((error as Error)?.message ?? error);
  return new RabbitMqApiError(method, apiPath, undefined, redact(message, secrets), code);
}

function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => (secret ? out.split(secret).join('***') : out), text);
}
