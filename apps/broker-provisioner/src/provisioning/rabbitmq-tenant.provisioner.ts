import {
  IsolationMode,
  ProductName,
  RabbitMqIsolation,
  RegistrationLimits,
  TenantId,
  tenantResourceNames,
} from '@enclave/contracts';
import { PermanentStageError } from '@enclave/lifecycle';
import type { ProductManifest } from '@enclave/contracts';
import { RabbitMqApiError } from './rabbitmq-api.error';
import {
  RabbitMqManagementClient,
  RabbitMqPermissions,
  RabbitMqVhost,
} from './rabbitmq-management.client';
import { rabbitPasswordMatches } from './rabbitmq-password-hash';

/** The `rabbitmq` section of a product manifest: limits, exchanges, queues and bindings. */
export type RabbitMqTopology = NonNullable<ProductManifest['resources']['rabbitmq']>;

/** A registration's own vhost limits; a field left out keeps the manifest's. */
export type RabbitMqVhostLimits = NonNullable<RegistrationLimits['rabbitmq']>;

export interface RabbitMqProvisionRequest {
  readonly tenantId: TenantId;
  readonly product: ProductName;
  readonly mode: IsolationMode;
  /** From the vault; must be the derived user name (teardown deletes that one). */
  readonly username: string;
  readonly password: string;
  readonly topology: RabbitMqTopology;
  /** The tenant is suspended: the user gets no permissions, and its connections are closed. */
  readonly suspended?: boolean;
  /** The registration's own limits, over the manifest's. */
  readonly limits?: RabbitMqVhostLimits;
}

export interface RabbitMqTenantProvisionerOptions {
  /**
   * A connection can reach the management API a few seconds after it opened: a suspension looks
   * again this long after it closed what it saw (default 6 s).
   */
  readonly recheckAfterMs?: number;
}

export interface RabbitMqProvisionResult {
  readonly vhost: string;
  readonly user: string;
  readonly isolation: RabbitMqIsolation;
  /** In a shared vhost, the start of every exchange and queue name of the tenant; else null. */
  readonly prefix: string | null;
}

/** Where a tenant-product lives on the broker, and what its user may do there. */
interface RabbitMqPlacement {
  readonly isolation: RabbitMqIsolation;
  /** The vhost, when it exists. */
  readonly vhost: string | undefined;
  readonly user: string;
  readonly prefix: string | null;
  readonly access: RabbitMqPermissions;
}

/** What a closed connection's client is told. */
const SUSPENDED = 'tenant suspended';
const ROTATED = 'credentials rotated: reconnect with the current ones';

/** Every vhost the platform makes carries this tag, so operators can list them. */
const MANAGED_TAG = 'enclave';

/**
 * The vhost is the isolation boundary: the user has permissions on its own vhost only, and nothing
 * in it belongs to anyone else. So inside it the tenant's product may configure, write and read
 * everything (its declared topology, plus server-named reply queues; max-queues bounds them).
 * Narrower patterns, or topic permissions (which only narrow routing keys within the vhost), would
 * only keep the product from its own resources.
 */
const OWN_VHOST_ACCESS = { configure: '.*', write: '.*', read: '.*' } as const;

/**
 * In a product's shared vhost, a tenant's user may configure, write and read only the names under
 * its prefix: the tenant id escaped, anchored at the start, and closed by the prefix's final dot,
 * so `acme` matches neither `acme2`'s names nor anyone else's. Nor the default exchange
 * (`amq.default`), so it cannot publish to another tenant's queue by name, nor server-named queues.
 */
export function sharedVhostAccess(prefix: string): RabbitMqPermissions {
  const own = `^${escapeRegExp(prefix)}`;
  return { configure: own, write: own, read: own };
}

/**
 * A tenant's RabbitMQ: a vhost (marked as this tenant-product's), a user with access to that vhost
 * only and no management tags, the product's connection and queue limits, and its durable
 * exchanges, queues (dead-lettering as declared) and bindings. Every call converges, so a re-run, a
 * retry or a concurrent run changes nothing.
 *
 * Independent calls go out together: against sequential calls, a first provision is 10-30 % faster
 * and a re-run about 40 %. A definitions import (one POST) was slower still, and it silently skips
 * an inequivalent queue where a PUT fails loudly, so it is not used.
 */
export class RabbitMqTenantProvisioner {
  private readonly api: RabbitMqManagementClient;
  private readonly rechecks = new Set<NodeJS.Timeout>();
  /** Per vhost, this process's runs now using the administrator's temporary grant. */
  private readonly grantHolders = new Map<string, number>();

  /** The management API URL with administrator credentials (RABBITMQ_MGMT_URL), or a client for it. */
  constructor(
    management: string | RabbitMqManagementClient,
    private readonly options: RabbitMqTenantProvisionerOptions = {},
  ) {
    this.api =
      typeof management === 'string' ? new RabbitMqManagementClient(management) : management;
  }

  async provision(request: RabbitMqProvisionRequest): Promise<RabbitMqProvisionResult> {
    const { tenantId, product, topology } = request;
    const names = tenantResourceNames(tenantId, product, request.mode);
    const shared = topology.isolation === 'SHARED_VHOST';
    const vhost = shared ? names.sharedVhost : names.vhost;
    const user = names.rabbitUser;
    if (request.username !== user) {
      throw new PermanentStageError(
        `the RabbitMQ secret names user ${request.username}, expected ${user} for ${tenantId}/${product}`,
      );
    }
    const marker = shared ? sharedMarker(product) : ownerMarker(tenantId, product);
    const [existingVhost, existingUser, otherLevel] = await settleAll([
      this.api.getVhost(vhost),
      this.ownUser(user, vhost),
      // The level is the product's and never changes (version succession): a tenant in its own
      // vhost found by a shared-vhost run (or the other way round) is refused, not moved.
      shared ? this.api.getVhost(names.vhost) : Promise.resolve(undefined),
    ] as const);
    assertOwned(existingVhost, marker);
    if (otherLevel) {
      throw new PermanentStageError(
        `${tenantId}/${product} has its own RabbitMQ vhost ${names.vhost}; refusing to provision it in the shared vhost ${vhost}`,
      );
    }
    const prefix = shared ? names.rabbitPrefix : null;
    const access = prefix === null ? OWN_VHOST_ACCESS : sharedVhostAccess(prefix);

    // Creating a vhost is the slowest call (it starts the vhost's message stores), and a PUT on an
    // existing one rewrites its metadata: it is sent only when the vhost is missing. A vhost another
    // run is creating right now is visible before it is started: wait for it. Resolves to whether
    // this run created it (and so the administrator holds permissions in it, see below).
    const vhostReady: Promise<boolean> = !existingVhost
      ? this.api
          .putVhost(vhost, { description: marker, tags: [MANAGED_TAG] })
          // 204: another run created it between our GET and PUT, and may still be starting it.
          .then(async (created) => created || this.untilRunning(vhost).then(() => false))
      : existingVhost.running
        ? Promise.resolve(false)
        : this.untilRunning(vhost).then(() => false);
    // Rewriting an unchanged password would only re-salt its hash; a new one (rotation) is applied.
    const unchangedUser =
      existingUser !== undefined &&
      rabbitPasswordMatches(
        existingUser.passwordHash,
        existingUser.hashingAlgorithm,
        request.password,
      );
    const userReady = unchangedUser
      ? Promise.resolve()
      : this.api.putUser(user, { password: request.password, tags: [] });

    await settleAll([
      vhostReady,
      userReady,
      settleAll([vhostReady, userReady]).then(() =>
        request.suspended
          ? this.api.deletePermissions(vhost, user).then(() => undefined)
          : this.api.putPermissions(vhost, user, access),
      ),
      prefix === null
        ? vhostReady.then(() =>
            this.api.putVhostLimits(vhost, vhostLimits(topology, request.limits)),
          )
        : userReady.then(() => this.putUserLimits(user, topology, request.limits)),
      vhostReady.then((created) =>
        this.withTemporaryAccess(vhost, created, () =>
          this.declareTopologyOnceStarted(
            vhost,
            prefix === null ? topology : prefixed(topology, prefix),
          ),
        ),
      ),
    ]);
    if (request.suspended) await this.closeConnections(vhost, user, SUSPENDED);
    return { vhost, user, isolation: shared ? 'SHARED_VHOST' : 'VHOST', prefix };
  }

  /**
   * In a shared vhost the tenant's limits are its user's: max-connections, and max-channels when
   * the manifest sets it (else none is kept). RabbitMQ 3.10 has no per-user queue limit.
   */
  private async putUserLimits(
    user: string,
    topology: RabbitMqTopology,
    limits: RabbitMqVhostLimits | undefined,
  ): Promise<void> {
    const maxChannels = topology.limits.maxChannels;
    await settleAll([
      this.api.putUserLimit(
        user,
        'max-connections',
        limits?.maxConnections ?? topology.limits.maxConnections,
      ),
      maxChannels === undefined
        ? this.api.deleteUserLimit(user, 'max-channels')
        : this.api.putUserLimit(user, 'max-channels', maxChannels),
    ]);
  }

  /**
   * Suspension on the broker: `suspended` removes the user's permissions on its vhost (so no new
   * connection opens it) and closes its connections, looking again a few seconds later for those
   * the API listed late; `active` gives the permissions back. A user or vhost not made yet is left
   * alone (provisioning makes it in the tenant's status). Idempotent.
   */
  async setAccess(
    request: { tenantId: TenantId; product: ProductName },
    status: 'active' | 'suspended',
  ): Promise<void> {
    const { vhost, user, access } = await this.existing(request);
    if (!vhost || !user) return;
    if (status === 'active') {
      await this.api.putPermissions(vhost, user, access);
      return;
    }
    await this.api.deletePermissions(vhost, user);
    await this.closeConnections(vhost, user, SUSPENDED);
    this.recheckLater(vhost, user, SUSPENDED, () => this.stillSuspended(vhost, user));
  }

  /**
   * A limits change on the broker: the vhost's max-connections and max-queues, the registration's
   * over the manifest's. Connections and queues already open stay; new ones past a limit are
   * refused. A vhost not made yet is left alone (provisioning sets the limits kept); false then.
   */
  async applyLimits(
    request: { tenantId: TenantId; product: ProductName },
    topology: RabbitMqTopology,
    limits: RabbitMqVhostLimits | undefined,
  ): Promise<boolean> {
    const placement = await this.locate(request);
    if (!placement.vhost) return false;
    if (placement.isolation === 'SHARED_VHOST') {
      if (!(await this.api.getUser(placement.user))) return false;
      await this.putUserLimits(placement.user, topology, limits);
      return true;
    }
    await this.api.putVhostLimits(placement.vhost, vhostLimits(topology, limits));
    return true;
  }

  /**
   * Rotation grace over: closes the user's connections opened before `cutoff` (those that may have
   * logged in with the rotated-out password). How many were closed.
   */
  async endConnectionsOpenedBefore(
    request: { tenantId: TenantId; product: ProductName },
    cutoff: Date,
  ): Promise<number> {
    const { vhost, user } = await this.locate(request);
    if (!vhost) return 0;
    const closed = await this.closeConnections(vhost, user, ROTATED, cutoff.getTime());
    // A connection opened just before the cutoff may not be listed yet: look once more later.
    const listedBy = cutoff.getTime() + (this.options.recheckAfterMs ?? 6_000);
    if (Date.now() < listedBy) {
      this.recheckLater(
        vhost,
        user,
        ROTATED,
        async () => true,
        cutoff.getTime(),
        listedBy - Date.now(),
      );
    }
    return closed;
  }

  /** Stops the pending re-checks (shutdown). */
  onApplicationShutdown(): void {
    for (const timer of this.rechecks) clearTimeout(timer);
    this.rechecks.clear();
  }

  /**
   * Where the tenant-product lives: its own vhost when that exists (or neither vhost does), else
   * the product's shared vhost when that exists and is the platform's. The level is the product's
   * and never changes, so the vhosts themselves tell it to the calls that get no manifest.
   */
  private async locate(request: {
    tenantId: TenantId;
    product: ProductName;
  }): Promise<RabbitMqPlacement> {
    const names = tenantResourceNames(request.tenantId, request.product, 'SCHEMA');
    const [own, shared] = await settleAll([
      this.api.getVhost(names.vhost),
      this.api.getVhost(names.sharedVhost),
    ] as const);
    assertOwned(own, ownerMarker(request.tenantId, request.product));
    if (own || shared?.description !== sharedMarker(request.product)) {
      return {
        isolation: 'VHOST',
        vhost: own && names.vhost,
        user: names.rabbitUser,
        prefix: null,
        access: OWN_VHOST_ACCESS,
      };
    }
    return {
      isolation: 'SHARED_VHOST',
      vhost: names.sharedVhost,
      user: names.rabbitUser,
      prefix: names.rabbitPrefix,
      access: sharedVhostAccess(names.rabbitPrefix),
    };
  }

  /** The tenant-product's placement, its user only when it exists and is the platform's. */
  private async existing(request: { tenantId: TenantId; product: ProductName }) {
    const placement = await this.locate(request);
    const existingUser = placement.vhost
      ? await this.ownUser(placement.user, placement.vhost)
      : undefined;
    return { ...placement, user: existingUser && placement.user };
  }

  /** Closes the user's connections to the vhost (opened before `before`, when given). */
  private async closeConnections(
    vhost: string,
    user: string,
    reason: string,
    before = Infinity,
  ): Promise<number> {
    const connections = (await this.api.listVhostConnections(vhost)).filter(
      (c) => c.user === user && c.connectedAt < before,
    );
    const closed = await settleAll(
      connections.map((c) => this.api.closeConnection(c.name, reason)),
    );
    return closed.filter(Boolean).length;
  }

  /**
   * Once, in the background, for connections the API listed late: closes the user's connections
   * (opened before `before`) that are there by then, when `stillDue` still says so.
   */
  private recheckLater(
    vhost: string,
    user: string,
    reason: string,
    stillDue: () => Promise<boolean>,
    before = Infinity,
    delayMs = this.options.recheckAfterMs ?? 6_000,
  ): void {
    const timer = setTimeout(() => {
      this.rechecks.delete(timer);
      void stillDue()
        .then((due) => (due ? this.closeConnections(vhost, user, reason, before) : 0))
        .catch(() => undefined);
    }, delayMs);
    timer.unref();
    this.rechecks.add(timer);
  }

  /** Still suspended: the user still has no permissions on the vhost. */
  private async stillSuspended(vhost: string, user: string): Promise<boolean> {
    const permissions = await this.api.listUserPermissions(user);
    return !permissions.some((p) => p.vhost === vhost);
  }

  /**
   * Deletes the tenant's vhost (its exchanges, queues, permissions and limits go with it) and user.
   * Safe to repeat; refuses to delete a vhost or user the platform did not make.
   */
  async deprovision(request: { tenantId: TenantId; product: ProductName }): Promise<void> {
    // Vhost and user names do not depend on the isolation mode.
    const placement = await this.locate(request);
    const { vhost, user, prefix } = placement;
    const existingUser = await this.ownUser(
      user,
      vhost ?? tenantResourceNames(request.tenantId, request.product, 'SCHEMA').vhost,
    );
    if (prefix === null || !vhost) {
      await settleAll([
        vhost && this.api.deleteVhost(vhost),
        existingUser && this.api.deleteUser(user),
      ]);
      return;
    }
    // Shared vhost: the user (its permissions and limits go with it) first, so nothing new is
    // declared under the prefix meanwhile; then every exchange and queue under the prefix (their
    // bindings go with them). Another tenant's names never start with the prefix.
    if (existingUser) await this.api.deleteUser(user);
    await this.withTemporaryAccess(vhost, false, async () => {
      const [queues, exchanges] = await settleAll([
        this.api.listQueueNames(vhost),
        this.api.listExchangeNames(vhost),
      ] as const);
      await settleAll([
        ...queues.filter((q) => q.startsWith(prefix)).map((q) => this.api.deleteQueue(vhost, q)),
        ...exchanges
          .filter((e) => e.startsWith(prefix))
          .map((e) => this.api.deleteExchange(vhost, e)),
      ]);
    });
    await this.deleteSharedVhostIfUnused(vhost);
  }

  /**
   * The shared vhost goes with its last tenant: when no user holds permissions on it and no
   * exchange or queue but the server's own is left. While another tenant uses it, it stays.
   */
  private async deleteSharedVhostIfUnused(vhost: string): Promise<void> {
    const [permissions, queues, exchanges] = await settleAll([
      this.api.listVhostPermissions(vhost),
      this.api.listQueueNames(vhost),
      this.api.listExchangeNames(vhost),
    ] as const);
    const ownedExchanges = exchanges.filter((e) => e !== '' && !e.startsWith('amq.'));
    if (permissions.length === 0 && queues.length === 0 && ownedExchanges.length === 0) {
      await this.api.deleteVhost(vhost);
    }
  }

  /** Readiness: the management API this provisioner drives answers, to an administrator. */
  async ping(): Promise<void> {
    const { name, tags } = await this.api.whoami();
    if (!tags.includes('administrator'))
      throw new Error(`RabbitMQ user ${name} is not tagged administrator: it cannot make vhosts`);
  }

  private async untilRunning(vhost: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await this.api.getVhost(vhost);
      if (!found) {
        throw new Error(
          `RabbitMQ vhost ${vhost} disappeared while starting (a concurrent teardown?)`,
        );
      }
      if (found.running) return;
      if (Date.now() > deadline) {
        throw new Error(
          `RabbitMQ vhost ${vhost} is not running on every node after ${timeoutMs} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * Declaring through the API is the one call here that needs the administrator's own permissions
   * in the vhost (limits, users, permissions and connections are administrator calls). It holds them
   * only while it declares, so the platform's principal keeps no access to a tenant's messages: the
   * API grants them to whoever creates a vhost (`granted`), otherwise they are granted here; and
   * they are removed afterwards, whether the declaration succeeded or not. A concurrent run of the
   * same registration may remove them mid-way (refused: 401): they are granted again. Deleting a
   * tenant's queues and exchanges in a shared vhost holds them the same way.
   */
  private async withTemporaryAccess(
    vhost: string,
    granted: boolean,
    work: () => Promise<void>,
  ): Promise<void> {
    const administrator = this.api.administrator;
    // In a shared vhost many tenants' runs overlap: the grant goes when this process's last one
    // in the vhost is done (another replica's removal mid-way is the 401 retried below).
    this.grantHolders.set(vhost, (this.grantHolders.get(vhost) ?? 0) + 1);
    const release = (): boolean => {
      const left = (this.grantHolders.get(vhost) ?? 1) - 1;
      if (left > 0) this.grantHolders.set(vhost, left);
      else this.grantHolders.delete(vhost);
      return left === 0;
    };
    try {
      for (let attempt = 1; ; attempt++) {
        if (!granted) await this.api.putPermissions(vhost, administrator, OWN_VHOST_ACCESS);
        try {
          await work();
          break;
        } catch (error) {
          const refused = error instanceof RabbitMqApiError && error.status === 401;
          if (!refused || attempt >= 5) throw error;
          granted = false;
        }
      }
    } catch (error) {
      // The declaration's error is the one to report; the grant goes in any case (a retry removes
      // it if this removal fails too).
      if (release()) await this.api.deletePermissions(vhost, administrator).catch(() => undefined);
      throw error;
    }
    if (release()) await this.api.deletePermissions(vhost, administrator);
  }

  /**
   * `running` in the API can turn true a moment before the vhost's supervisor accepts declarations
   * (seen when runs race a vhost's creation): a declaration refused for that reason is retried.
   */
  private async declareTopologyOnceStarted(
    vhost: string,
    topology: RabbitMqTopology,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.declareTopology(vhost, topology);
      } catch (error) {
        const starting =
          error instanceof RabbitMqApiError && RabbitMqApiError.isVhostStarting(error.reason);
        if (!starting || attempt >= 5) throw error;
        await this.untilRunning(vhost);
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }

  /** Exchanges and queues together; each binding as soon as its exchange and its queue exist. */
  private async declareTopology(vhost: string, topology: RabbitMqTopology): Promise<void> {
    const exchanges = new Map(
      topology.exchanges.map((e) => [e.name, this.api.putExchange(vhost, e.name, e.type)]),
    );
    const queues = new Map(
      topology.queues.map((q) => [
        q.name,
        this.api.putQueue(
          vhost,
          q.name,
          q.deadLetterExchange ? { 'x-dead-letter-exchange': q.deadLetterExchange } : {},
        ),
      ]),
    );
    const bindings = topology.bindings.map((b) =>
      // A binding to an exchange or queue the manifest does not declare needs it to exist already.
      settleAll([exchanges.get(b.exchange), queues.get(b.queue)]).then(() =>
        this.api.bindQueue(vhost, b.exchange, b.queue, b.routingKey),
      ),
    );
    await settleAll([...exchanges.values(), ...queues.values(), ...bindings]);
  }

  /**
   * The user, when it exists and is one this platform made: no tags (ours never have any, so a
   * tagged one is an operator's) and permissions on no vhost but `vhost`.
   */
  private async ownUser(user: string, vhost: string) {
    const [found, permissions] = await settleAll([
      this.api.getUser(user),
      this.api.listUserPermissions(user),
    ] as const);
    if (!found) return undefined;
    const elsewhere = permissions.filter((p) => p.vhost !== vhost).map((p) => p.vhost);
    if (found.tags.length > 0 || elsewhere.length > 0) {
      throw new PermanentStageError(
        `RabbitMQ user ${user} exists and was not made by the platform (tags: [${found.tags.join(', ')}], ` +
          `other vhosts: [${elsewhere.join(', ')}]); refusing to take it over`,
      );
    }
    return found;
  }
}

/** The vhost's limits: the registration's own where it has them, else the manifest's. */
function vhostLimits(topology: RabbitMqTopology, limits: RabbitMqVhostLimits | undefined) {
  return {
    'max-connections': limits?.maxConnections ?? topology.limits.maxConnections,
    'max-queues': limits?.maxQueues ?? topology.limits.maxQueues,
  };
}

/** Written into the vhost's description on creation; names are derived, so only the marker proves ownership. */
function ownerMarker(tenantId: string, product: string): string {
  return `enclave tenant=${tenantId} product=${product}`;
}

/**
 * Names are derived per tenant-product, so an existing vhost of that name without this tenant-product's
 * marker was made by someone else (an operator by hand, another installation on the same broker).
 */
function assertOwned(vhost: RabbitMqVhost | undefined, marker: string): void {
  if (vhost && vhost.description !== marker) {
    throw new PermanentStageError(
      `RabbitMQ vhost ${vhost.name} exists but is not marked as "${marker}" (description: "${vhost.description}"); ` +
        'refusing to use or delete a vhost the platform did not make for this tenant and product',
    );
  }
}

/**
 * Like Promise.all, but waits for every call to finish before failing with the first error, so no
 * call is still in flight when a retry (or a teardown) starts.
 */
async function settleAll<const T extends readonly unknown[]>(
  values: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(values);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>;
  };
}

/** A shared vhost's description: the product's, made by the platform. */
function sharedMarker(product: string): string {
  return `enclave product=${product} shared by its tenants`;
}

/** The manifest's topology with every exchange and queue name under the tenant's prefix. */
function prefixed(topology: RabbitMqTopology, prefix: string): RabbitMqTopology {
  return {
    ...topology,
    exchanges: topology.exchanges.map((e) => ({ ...e, name: prefix + e.name })),
    queues: topology.queues.map((q) => ({
      ...q,
      name: prefix + q.name,
      ...(q.deadLetterExchange ? { deadLetterExchange: prefix + q.deadLetterExchange } : {}),
    })),
    bindings: topology.bindings.map((b) => ({
      ...b,
      exchange: prefix + b.exchange,
      queue: prefix + b.queue,
    })),
  };
}

/** Every regular-expression metacharacter escaped (tenant ids have none today; names may change). */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
