import {
  CredentialsIssuedPayload,
  ResourceKind,
  SecretRef,
  ServiceRegisteredPayload,
  tenantResourceNames,
} from '@enclave/contracts';
import { SECRET_STORE, SecretStore, generatePassword } from '@enclave/secret-store';
import { Inject, Injectable } from '@nestjs/common';

/**
 * Issues one credential per resource a registration needs: a login name derived for this tenant,
 * product and isolation mode, and a fresh random password, written to the vault. A credential that
 * already exists is reused, so a repeated or replayed registration never rotates behind the
 * provisioners' backs. Only vault references leave this class.
 */
@Injectable()
export class IssueCredentialsUseCase {
  constructor(@Inject(SECRET_STORE) private readonly secrets: SecretStore) {}

  async execute(
    registration: ServiceRegisteredPayload,
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
        const existing = await this.secrets.find(path);
        if (existing && existing.data.username === usernames[resource])
          return [resource, existing.ref];
        const ref = await this.secrets.put(path, {
          username: usernames[resource],
          password: generatePassword(),
        });
        return [resource, ref];
      }),
    );
    return Object.fromEntries(entries);
  }
}
