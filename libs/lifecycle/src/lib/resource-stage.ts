import {
  CredentialsIssuedPayload,
  EventDefinition,
  IsolationMode,
  ProductManifest,
  RegistrationLimits,
  RegistrationRef,
  RegistrationUpgradeRequestedPayload,
  ResourceKind,
  SecretRef,
  ServiceDeprovisionRequestedPayload,
} from '@enclave/contracts';
import { EventContext } from '@enclave/messaging';
import { SecretStore } from '@enclave/secret-store';
import { Logger } from '@nestjs/common';
import { PermanentStageError } from './permanent.error';
import { ProductVersionStore } from './product-catalog/product-version.store';
import { readTenantCredential } from './read-tenant-credential';
import { checkIssuedCredential } from './registry-orders/issued-credential.check';
import { checkLimitsOrdered } from './registry-orders/limits-order.check';
import { RegistrationLimitsStore } from './registration-limits/registration-limits.store';
import { releaseStage } from './release-stage';
import { runStage } from './run-stage';
import { runUpgrade } from './run-upgrade';
import { TenantAccessStore } from './tenant-access/tenant-access.store';
import { TenantLogin } from './tenant-access/tenant-login';

/**
 * The fields every resource announcement repeats from the CredentialsIssued it answers, filled in
 * `announcement` only: the registration and the rotation it applied (null outside one).
 */
type Answered = RegistrationRef & { readonly rotationId: string | null };

/** What a resource stage itself reports in its announcement: the fields of its own. */
export type ResourceReport<P> = Omit<P, keyof Answered>;

/**
 * A registration's limits from a given revision on: ServiceRegistered (0) or a
 * RegistrationLimitsChanged; `productVersion` names the manifest that gives the defaults.
 */
export interface LimitsChange extends RegistrationRef {
  readonly revision: number;
  readonly limits: RegistrationLimits;
  readonly productVersion: string | null;
  readonly resources: readonly ResourceKind[];
}

/** Whose resource to make, and the login it is made for (the password straight from the vault). */
export interface ResourceLogin {
  readonly tenantId: RegistrationRef['tenantId'];
  readonly product: RegistrationRef['product'];
  readonly mode: IsolationMode;
  readonly username: string;
  readonly password: string;
  /** The tenant is suspended: the login is made or kept unable to open sessions. */
  readonly suspended: boolean;
}

const LABELS: Record<ResourceKind, string> = {
  postgres: 'PostgreSQL',
  mongodb: 'MongoDB',
  rabbitmq: 'RabbitMQ',
};

/**
 * A stage that makes one resource of a registration (PostgreSQL, MongoDB, RabbitMQ) once its
 * credential is vaulted, announces it, and removes it at offboarding. This class is what such a
 * stage does with its events; a subclass only says what the product declares, and how the resource
 * is made and removed. The password goes from the vault to `make` only, never into an event.
 *
 * `P` is the announcement's payload; `D` what the product's manifest declares for the resource.
 */
export abstract class ResourceStage<P extends Answered, D> {
  private readonly logger = new Logger(ResourceStage.name);

  protected constructor(
    private readonly resource: ResourceKind,
    private readonly announces: EventDefinition<string, P>,
    private readonly secrets: SecretStore,
    private readonly catalog: ProductVersionStore,
    private readonly access: TenantAccessStore,
    /** Set: the stage applies registrations' own limits (`make` is given them, `restrict` changes them). */
    private readonly limits?: RegistrationLimitsStore,
  ) {}

  /**
   * CredentialsIssued: make the resource with the tenant's credential, or fail the stage (runStage).
   * A reference that is not the one the credential-service vaulted last (another path, a version
   * it never wrote, a rotation it did not write) is refused before anything: dead-lettered, not a
   * stage failure, so a forged event can neither move a credential nor fail a Ready registration.
   */
  async provision(ctx: EventContext, issued: CredentialsIssuedPayload): Promise<void> {
    const ref = issued.credentials[this.resource];
    // Products without this resource get no credential for it: nothing to do here.
    if (!ref) return;
    const check = await checkIssuedCredential(
      this.secrets,
      issued,
      this.resource,
      ref,
      issued.rotationId,
    );
    if (check === 'stale') {
      // A newer credential is in force (a replay, or a rotation overtaken by the next): applying
      // this one would set an older password back.
      this.logger.warn(
        { registrationId: issued.registrationId, path: ref.path, version: ref.version },
        'credential reference older than the one in force: nothing applied',
      );
      return;
    }
    await runStage(ctx, this.resource, issued, async () => {
      const { report } = await this.converge(ctx, issued, issued.productVersion, ref);
      // A rotation applied: sessions opened before now may hold the old password; they end once
      // the grace is over (the stage's sweeper).
      if (issued.rotationId !== null) {
        await this.access.scheduleCutoff(ctx.tx, loginOf(issued), new Date());
      }
      await ctx.publish(this.announces, this.announcement(issued, report));
    });
  }

  /**
   * RegistrationUpgradeRequested: converge the resource to the rollout's version (what a new version
   * appends: collections, indexes, topology, limits), or say why not (runUpgrade).
   */
  async upgrade(ctx: EventContext, request: RegistrationUpgradeRequestedPayload): Promise<void> {
    // PostgreSQL has nothing to bring forward (its migrations are the migration-runner's).
    if (!request.resources.includes(this.resource) || this.resource === 'postgres') return;
    const stage = this.resource;
    await runUpgrade(ctx, stage, request, async () => {
      const ref = request.credentials[this.resource];
      if (!ref) throw new PermanentStageError(`no ${LABELS[this.resource]} credential in force`);
      await this.converge(ctx, request, request.toVersion, ref);
      return [`${stage}@${request.toVersion}`];
    });
  }

  /** Makes or converges the resource to the manifest at `version`, logged in with `ref`. */
  private async converge(
    ctx: EventContext,
    registration: RegistrationRef,
    version: string | null,
    ref: SecretRef,
  ): Promise<{ report: ResourceReport<P> }> {
    const { tenantId, product, isolationMode } = registration;
    // The manifest first (the stage's own copy, at the registration's version): for a product
    // that declares no such resource, no secret is even read.
    const manifest = await this.catalog.manifest(product, version);
    const declared = this.declared(manifest);
    if (declared === undefined) {
      const label = LABELS[this.resource];
      throw new PermanentStageError(
        `product ${product} declares no ${label} resource, yet ${label} credentials were issued`,
      );
    }
    const credential = await readTenantCredential(this.secrets, registration, this.resource, ref);
    // Held until the event commits, so a suspension waits for this login and then finds it.
    const status = await this.access.hold(ctx.tx, loginOf(registration));
    const login = {
      tenantId,
      product,
      mode: isolationMode,
      ...credential,
      suspended: status === 'suspended',
    };
    // Held like the status: a limits change waits for this resource, then applies to it.
    const limits = this.limits ? await this.limits.hold(ctx.tx, registration) : null;
    return { report: await this.make(login, declared, ref, manifest.version, limits) };
  }

  /**
   * ServiceRegistered with limits, or RegistrationLimitsChanged: keeps them when newer than those
   * kept, and applies them to the resource if it is made already (else `make` will, with them). A
   * repeated or older change is kept from nothing and applies nothing.
   */
  async changeLimits(ctx: EventContext, change: LimitsChange): Promise<void> {
    if (!this.limits || !change.resources.includes(this.resource)) return;
    if (!(await this.limits.record(ctx.tx, change, change.revision, change.limits))) return;
    const manifest = await this.catalog.manifest(change.product, change.productVersion);
    const declared = this.declared(manifest);
    if (declared === undefined) return;
    await this.restrict(change, declared, change.limits);
  }

  /**
   * RegistrationLimitsChanged: only the change the tenant-registry ordered in the vault (a forged
   * one is refused: dead-lettered, nothing applied); an older, overtaken one applies nothing.
   */
  async changeOrderedLimits(ctx: EventContext, change: LimitsChange): Promise<void> {
    if (!this.limits || !change.resources.includes(this.resource)) return;
    if ((await checkLimitsOrdered(this.secrets, change)) === 'stale') return;
    await this.changeLimits(ctx, change);
  }

  /** ServiceDeprovisionRequested: remove what `make` made, then say so (releaseStage). */
  async release(ctx: EventContext, request: ServiceDeprovisionRequestedPayload): Promise<void> {
    await releaseStage(ctx, this.resource, request, this.secrets, async () => {
      await this.remove(request);
      await this.access.forget(ctx.tx, request);
      await this.limits?.forget(ctx.tx, request);
    });
  }

  /** What the product's manifest declares for this resource; undefined when nothing. */
  protected abstract declared(manifest: ProductManifest): D | undefined;

  /**
   * Makes (or converges) the resource for `login`; `credential` is where it was read from, and
   * `productVersion` the version whose manifest `declared` comes from; `limits` the registration's
   * own (null: the defaults).
   */
  protected abstract make(
    login: ResourceLogin,
    declared: D,
    credential: SecretRef,
    productVersion: string,
    limits: RegistrationLimits | null,
  ): Promise<ResourceReport<P>>;

  /**
   * Applies `limits` (fields left out: the defaults) to the registration's resource when it exists;
   * idempotent. Stages without limits of their own have nothing to do.
   */
  protected restrict(
    _registration: RegistrationRef,
    _declared: D,
    _limits: RegistrationLimits,
  ): Promise<void> {
    return Promise.resolve();
  }

  /** Removes what `make` made, leaving alone what someone else owns; a repeat finds nothing. */
  protected abstract remove(registration: RegistrationRef): Promise<void>;

  private announcement(issued: CredentialsIssuedPayload, report: ResourceReport<P>): P {
    const { tenantId, registrationId, product, isolationMode, rotationId } = issued;
    const answered: Answered = { tenantId, registrationId, product, isolationMode, rotationId };
    // Together they are P: TypeScript cannot add up an Omit of a type parameter.
    return { ...answered, ...report } as P;
  }
}

function loginOf({ tenantId, product, isolationMode }: RegistrationRef): TenantLogin {
  return { tenantId, product, mode: isolationMode };
}
