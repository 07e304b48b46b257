import {
  CredentialsRotationRequestedPayload,
  ResourceKind,
  SecretRef,
  resourceKindSchema,
  tenantResourceNames,
} from '@enclave/contracts';
import {
  SECRET_STORE,
  SecretNotFoundError,
  SecretStore,
  StoredSecret,
  generatePassword,
} from '@enclave/secret-store';
import { Inject, Injectable } from '@nestjs/common';
import { NoCredentialsToRotateError } from './no-credentials-to-rotate.error';

export type Credentials = Partial<Record<ResourceKind, SecretRef>>;

export type RotationResult =
  /** The versions now carrying this rotation (new, or written by an earlier delivery). */
  | { readonly kind: 'rotated'; readonly credentials: Credentials }
  /** A later rotation already replaced this one's versions: re-applying them would go back. */
  | { readonly kind: 'superseded' };

/** How far back a request is looked for among a path's versions (each rotation adds one). */
const LOOKBACK_VERSIONS = 50;

/**
 * Rotates every credential a registration has: a new vault version per resource, same login name,
 * fresh password, tagged with the rotation id. The resources are those with a secret at their path
 * (what was issued and applied), since the catalog may have changed since.
 *
 * Idempotent per rotation id: a version already tagged with it is reused, so a redelivered or
 * replayed request rotates once, and a request older than the latest rotation writes nothing. Each
 * write is a check-and-set on the version read: concurrent deliveries add one version in all.
 */
@Injectable()
export class RotateCredentialsUseCase {
  constructor(@Inject(SECRET_STORE) private readonly secrets: SecretStore) {}

  async execute(request: CredentialsRotationRequestedPayload): Promise<RotationResult> {
    const names = tenantResourceNames(request.tenantId, request.product, request.isolationMode);
    const usernames: Record<ResourceKind, string> = {
      postgres: names.pgRole,
      mongodb: names.mongoUser,
      rabbitmq: names.rabbitUser,
    };

    // Read everything before writing anything, so a superseded request leaves the vault untouched.
    const current = (
      await Promise.all(
        resourceKindSchema.options.map(async (resource) => {
          const latest = await this.secrets.find(names.secretPath(resource));
          if (!latest) return undefined;
          const tagged = await this.versionOf(request.rotationId, latest);
          return { resource, latest, tagged };
        }),
      )
    ).filter((c) => c !== undefined);

    if (current.length === 0) {
      throw new NoCredentialsToRotateError(request.tenantId, request.product, request.rotationId);
    }
    if (current.some((c) => c.tagged && c.tagged.ref.version !== c.latest.ref.version)) {
      return { kind: 'superseded' };
    }

    const entries = await Promise.all(
      current.map(async ({ resource, latest, tagged }): Promise<[ResourceKind, SecretRef]> => {
        if (tagged) return [resource, latest.ref];
        const path = latest.ref.path;
        // Check-and-set on the version read above: a second delivery of this request running at
        // the same moment (another replica) must not add a second version for it.
        const ref = await this.secrets.putIfLatest(
          path,
          {
            // Derived as at first issue, so unchanged: the name every provisioner checks.
            username: usernames[resource],
            password: generatePassword(),
            rotationId: request.rotationId,
          },
          latest.ref.version,
        );
        if (ref) return [resource, ref];
        const now = await this.secrets.find(path);
        if (now?.data.rotationId === request.rotationId) return [resource, now.ref];
        // Another rotation of this registration wrote in between (two requests running at once on
        // one partition's key only in a rebalance): fail, and the retry starts from a fresh read.
        throw new Error(`${path} changed while rotation ${request.rotationId} was writing it`);
      }),
    );
    return { kind: 'rotated', credentials: Object.fromEntries(entries) };
  }

  /**
   * The version written for `rotationId`, walking back from the latest while versions carry a
   * rotation id (one without is the first issue: nothing older can belong to a rotation).
   */
  private async versionOf(
    rotationId: string,
    latest: StoredSecret,
  ): Promise<StoredSecret | undefined> {
    let secret: StoredSecret | undefined = latest;
    const oldest = Math.max(1, latest.ref.version - LOOKBACK_VERSIONS);
    while (secret?.data.rotationId) {
      if (secret.data.rotationId === rotationId) return secret;
      const previous: number = secret.ref.version - 1;
      secret = previous >= oldest ? await this.read(secret.ref.path, previous) : undefined;
    }
    return undefined;
  }

  private async read(path: string, version: number): Promise<StoredSecret | undefined> {
    try {
      return await this.secrets.get(path, version);
    } catch (error) {
      // A destroyed old version ends the walk; any other failure is retried by the consumer.
      if (error instanceof SecretNotFoundError) return undefined;
      throw error;
    }
  }
}
