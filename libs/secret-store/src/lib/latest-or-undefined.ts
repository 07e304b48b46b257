import { SecretNotFoundError } from './errors/secret-not-found.error';
import { SecretStore, StoredSecret } from './secret-store';

/** `find` for every backend: the latest version, with "not found" (or revoked) as undefined. */
export async function latestOrUndefined(
  store: Pick<SecretStore, 'get'>,
  path: string,
): Promise<StoredSecret | undefined> {
  try {
    return await store.get(path);
  } catch (error) {
    if (error instanceof SecretNotFoundError) return undefined;
    throw error;
  }
}
