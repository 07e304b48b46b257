import {
  CredentialsIssuedPayload,
  ResourceKind,
  SecretRef,
  ServiceRegisteredPayload,
  tenantResourceNames,
} from '@enclave/contracts';
import { SECRET_STORE, SecretStore, generatePassword, putIfAbsent } from '@enclave/secret-store';
import { Inject, Injectable } from '@nestjs/common';

/**
 * Issues one credential per resource a registration needs: a login name derived for this tenant,
 * product and isolation mode, and a fresh random password, written to the vault. A credential that
 * already exists is reused, so a repeated or replayed registration never rotates behind the
 * provisioners' backs, and concurrent runs write it once. Only vault references leave this class.
 */
@Injectable()
export class IssueCredentialsUseCase {
  constructor(@Inject(SECRET_STORE) private readonly secrets: SecretStore) {}

  async execute(
    registration: Pick<
      ServiceRegisteredPayload,
      'tenantId' | 'product' | 'isolationMode' | 'resources'
    >,
  ): Promise<CredentialsIssuedPayload['credentials']> {
    const names = tenantResourceNames(
      registration.tenantId,
      registration.product,
      registration.isolationMode,
    );
    const usernames: Record<ResourceKind, string> = {
      postgres: names.pgRole,
      mongodb: names.mongoUser,
      rabbitmq: names.rabbitUser,
    };
    const entries = await Promise.all(
      registration.resources.map(async (resource): Promise<[ResourceKind, SecretRef]> => {
        const path = names.secretPath(resource);
        const issue = () => ({ username: usernames[resource], password: generatePassword() });
        // Atomic: two replicas handling one registration at once still vault one credential.
        const live = await putIfAbsent(this.secrets, path, issue());
        if (live.data.username === usernames[resource]) return [resource, live.ref];
        // A secret left under another login name is not this registration's: replace it.
        return [resource, await this.secrets.put(path, issue())];
      }),
    );
    return Object.fromEntries(entries);
  }
}
