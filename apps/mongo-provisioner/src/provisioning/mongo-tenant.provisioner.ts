import {
  IsolationMode,
  MongoProvisionedPayload,
  ProductName,
  TenantId,
  tenantResourceNames,
} from '@enclave/contracts';
import { PermanentStageError } from '@enclave/lifecycle';
import type { ProductManifest } from '@enclave/contracts';
import { maskUrlCredentials } from '@enclave/service-kit';
import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Db, IndexDescriptionInfo, MongoClient } from 'mongodb';

export type MongoCollectionSpec = NonNullable<
  ProductManifest['resources']['mongodb']
>['collections'][number];

export type UserManagement = MongoProvisionedPayload['userManagement'];

export interface MongoProvisionRequest {
  readonly tenantId: TenantId;
  readonly product: ProductName;
  readonly mode: IsolationMode;
  /** From the vault; when given it must be the derived user name (teardown drops that one). */
  readonly username?: string;
  readonly password: string;
  readonly collections: readonly MongoCollectionSpec[];
  /** The tenant is suspended: the user is made (or kept) without roles. */
  readonly suspended?: boolean;
}

export interface MongoTenantProvisionerOptions {
  /**
   * A server without user management (or without access control) provisions tenant databases
   * nobody's credentials guard. Refused (the stage fails with that cause) unless this is set, for
   * development and tests only.
   */
  readonly allowUnauthenticatedTenants?: boolean;
}

export interface MongoProvisionResult {
  readonly database: string;
  readonly user: string;
  readonly userManagement: UserManagement;
  readonly collections: number;
}

// Server error codes this class decides on (https://www.mongodb.com/docs/manual/reference/error-codes/).
const USER_NOT_FOUND = 11;
const NAMESPACE_EXISTS = 48;
const USER_ALREADY_EXISTS = 51003;
const COMMAND_NOT_FOUND = 59;
const INDEX_OPTIONS_CONFLICT = 85;
const INDEX_KEY_SPECS_CONFLICT = 86;

const codeOf = (error: unknown): unknown => (error as { code?: unknown }).code;

/**
 * A tenant's MongoDB database: its collections and indexes from the product manifest, and a user with
 * `readWrite` on that database only. Every step converges, so a re-run or a concurrent run changes
 * nothing and a re-issued password is applied. Whether the server can enforce users is detected once
 * and said (log and event), never assumed.
 */
export class MongoTenantProvisioner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MongoTenantProvisioner.name);
  private readonly client: MongoClient;
  private capability?: Promise<UserManagement>;
  /** Tail of the work queued per tenant database in this process. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    adminUrl: string,
    private readonly options: MongoTenantProvisionerOptions = {},
  ) {
    // No serverApi: the MongoDB-compatible test server does not speak `hello`.
    this.client = new MongoClient(adminUrl, { serverSelectionTimeoutMS: 5_000 });
  }

  async provision(request: MongoProvisionRequest): Promise<MongoProvisionResult> {
    const names = tenantResourceNames(request.tenantId, request.product, request.mode);
    if (request.username !== undefined && request.username !== names.mongoUser) {
      throw new PermanentStageError(
        `the MongoDB secret names user ${request.username}, expected ${names.mongoUser} for ${request.tenantId}/${request.product}`,
      );
    }
    const userManagement = await this.userManagement();
    if (userManagement !== 'enforced' && !this.options.allowUnauthenticatedTenants) {
      // Fail closed: nothing is created for a database no credential would guard.
      throw new PermanentStageError(
        `MongoDB at ${this.serverAddress()} does not enforce users (no user management or no access control): ` +
          `refusing to provision an unauthenticated database for ${request.tenantId}/${request.product} ` +
          '(MONGO_ALLOW_UNAUTHENTICATED_TENANTS=true allows it, for development only)',
      );
    }
    const db = this.client.db(names.mongoDatabase);
    await this.serialized(names.mongoDatabase, async () => {
      await Promise.all(request.collections.map((spec) => this.ensureCollection(db, spec)));
      if (userManagement === 'enforced') {
        await this.ensureUser(db, names.mongoUser, request.password, !request.suspended);
      }
    });
    return {
      database: names.mongoDatabase,
      user: names.mongoUser,
      userManagement,
      collections: request.collections.length,
    };
  }

  /**
   * Suspension on MongoDB: `suspended` revokes the user's roles (it can still log in, but read or
   * write nothing), `active` grants readWrite on its database again. On a server without users
   * there is nothing to revoke: said in the log, and the outcome says `skipped`. A user not made
   * yet is left alone (provisioning makes it in the tenant's status). Idempotent.
   */
  async setAccess(
    request: { tenantId: TenantId; product: ProductName },
    status: 'active' | 'suspended',
  ): Promise<'applied' | 'skipped'> {
    const names = tenantResourceNames(request.tenantId, request.product, 'DATABASE');
    if ((await this.userManagement()) !== 'enforced') {
      this.logger.warn(
        `MongoDB at ${this.serverAddress()} has no enforced users: ${status === 'suspended' ? 'suspension' : 'resumption'} of ` +
          `${request.tenantId}/${request.product} NOT enforced on MongoDB (nothing to revoke)`,
      );
      return 'skipped';
    }
    const db = this.client.db(names.mongoDatabase);
    const roles = status === 'active' ? [{ role: 'readWrite', db: db.databaseName }] : [];
    await this.serialized(names.mongoDatabase, () =>
      db.command({ updateUser: names.mongoUser, roles }).catch((error: unknown) => {
        if (codeOf(error) !== USER_NOT_FOUND) throw error;
      }),
    );
    return 'applied';
  }

  /** Removes the tenant's user and database; safe to repeat. */
  async deprovision(request: { tenantId: TenantId; product: ProductName }): Promise<void> {
    // MongoDB names do not depend on the isolation mode (only PostgreSQL's do).
    const names = tenantResourceNames(request.tenantId, request.product, 'DATABASE');
    const db = this.client.db(names.mongoDatabase);
    await db.command({ dropUser: names.mongoUser }).catch((error: unknown) => {
      if (codeOf(error) !== USER_NOT_FOUND && codeOf(error) !== COMMAND_NOT_FOUND) throw error;
    });
    await db.dropDatabase();
  }

  /** Detected on first use and remembered; a failed detection (server down) is retried next time. */
  userManagement(): Promise<UserManagement> {
    this.capability ??= this.detectUserManagement().catch((error: unknown) => {
      this.capability = undefined;
      throw error;
    });
    return this.capability;
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /** Readiness: the server answers this provisioner's own client. */
  async ping(): Promise<void> {
    await this.client.db('admin').command({ ping: 1 });
  }

  // Said at start rather than at the first tenant; if MongoDB is not reachable yet, first use retries.
  async onApplicationBootstrap(): Promise<void> {
    await this.userManagement().catch((error: unknown) =>
      this.logger.warn(
        `MongoDB user-management detection deferred to first use: ${maskUrlCredentials(String(error))}`,
      ),
    );
  }

  // After the consumer has stopped (beforeApplicationShutdown), so no handler is mid-provision.
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private async detectUserManagement(): Promise<UserManagement> {
    const admin = this.client.db('admin');
    const unsupported = (why: string): UserManagement => {
      this.logger.warn(
        `MongoDB at ${this.serverAddress()} ${why}: per-tenant MongoDB users are NOT created and tenant databases ` +
          'are NOT access-controlled (no authentication, no readWrite-only role, no cross-tenant denial). Databases, ' +
          'collections and indexes are still provisioned; every MongoProvisioned event says ' +
          'userManagement=unsupported-by-server.',
      );
      return 'unsupported-by-server';
    };
    try {
      await admin.command({ usersInfo: 1 });
    } catch (error) {
      if (codeOf(error) !== COMMAND_NOT_FOUND) throw error;
      return unsupported('has no user management (usersInfo: CommandNotFound)');
    }
    // Answering usersInfo to an unauthenticated client means access control is off: users would exist
    // but nothing would check them, so "enforced" would be a lie.
    const status = await admin.command({ connectionStatus: 1 });
    if (((status.authInfo?.authenticatedUsers ?? []) as unknown[]).length === 0) {
      return unsupported(
        'runs without access control (MONGO_URL is unauthenticated yet may manage users)',
      );
    }
    this.logger.log(
      `MongoDB at ${this.serverAddress()} enforces users: each tenant gets readWrite on its own database only`,
    );
    return 'enforced';
  }

  private async ensureCollection(db: Db, spec: MongoCollectionSpec): Promise<void> {
    const created = await db.createCollection(spec.name).then(
      () => true,
      (error: unknown) => {
        if (codeOf(error) !== NAMESPACE_EXISTS) throw error;
        return false;
      },
    );
    if (spec.indexes.length === 0) return;
    const collection = db.collection(spec.name);
    // A collection this call created has only `_id_`: no need to ask.
    const existing = new Map(
      created ? [] : (await collection.listIndexes().toArray()).map((i) => [i.name, i]),
    );
    // A real mongod rejects a same-named index with another spec; some compatible servers silently add a
    // second one, so the check is made here, the same way on every server.
    const missing = spec.indexes.filter((index) => {
      const found = existing.get(index.name);
      if (found && !sameIndex(found, index)) {
        throw new PermanentStageError(
          `index ${db.databaseName}.${spec.name}.${index.name} exists with another key or uniqueness than the manifest declares`,
        );
      }
      return !found;
    });
    if (missing.length === 0) return;
    await collection
      .createIndexes(
        missing.map((index) => ({ name: index.name, key: index.key, unique: index.unique })),
      )
      .catch((error: unknown) => {
        const code = codeOf(error);
        if (code === INDEX_OPTIONS_CONFLICT || code === INDEX_KEY_SPECS_CONFLICT) {
          throw new PermanentStageError(
            `indexes of ${db.databaseName}.${spec.name} conflict with the manifest: ${(error as Error).message}`,
          );
        }
        throw error;
      });
  }

  private async ensureUser(
    db: Db,
    user: string,
    password: string,
    granted: boolean,
  ): Promise<void> {
    const roles = granted ? [{ role: 'readWrite', db: db.databaseName }] : [];
    try {
      await db.command({ createUser: user, pwd: password, roles });
    } catch (error) {
      if (codeOf(error) !== USER_ALREADY_EXISTS) throw error;
      // Re-runs converge: the latest issued password and exactly this role.
      await db.command({ updateUser: user, pwd: password, roles });
    }
  }

  /**
   * Runs one tenant database's provisioning after the previous one in this process. A real mongod
   * makes concurrent createCollection calls converge (NamespaceExists), but mongo-java-server and
   * other compatible servers can create the same collection twice when two calls race. Across
   * processes, partitioning by key already keeps one tenant-service on one consumer at a time.
   */
  private async serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(work);
    const tail = run.catch(() => undefined);
    this.queues.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    }
  }

  private serverAddress(): string {
    return maskUrlCredentials(this.client.options.hosts.map((h) => h.toString()).join(','));
  }
}

function sameIndex(
  found: IndexDescriptionInfo,
  wanted: MongoCollectionSpec['indexes'][number],
): boolean {
  return (
    JSON.stringify(found.key) === JSON.stringify(wanted.key) &&
    (found.unique ?? false) === wanted.unique
  );
}
