import { SecretBackendError } from './errors/secret-backend.error';
import { SecretData, SecretStore, StoredSecret } from './secret-store';

/** A lost race is followed by a read of the winner; more losses than this mean no winner exists. */
const ATTEMPTS = 3;

/**
 * The live secret at `path`, written first when there is none, for every backend: a check-and-set
 * on "no live version" (`putIfLatest(…, 0)`), so of concurrent callers (replicas handling one event)
 * exactly one writes and all get its secret.
 */
export async function putIfAbsent(
  store: Pick<SecretStore, 'find' | 'putIfLatest'>,
  path: string,
  data: SecretData,
): Promise<StoredSecret> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const live = await store.find(path);
    if (live) return live;
    const ref = await store.putIfLatest(path, data, 0);
    if (ref) return { ref, data };
    // Another writer got there between the read and the write: the next read finds theirs.
  }
  throw new SecretBackendError(
    'putIfAbsent',
    path,
    undefined,
    'every write was refused yet no live version reads back (Vault: a soft-deleted key? undelete or revoke it)',
  );
}
