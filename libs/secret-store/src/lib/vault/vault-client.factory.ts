import NodeVault from 'node-vault';

export interface VaultClientOptions {
  readonly endpoint: string;
  readonly token: string;
  /** Per-request timeout; node-vault has none by default, so a hung server would hang a handler. */
  readonly timeoutMs?: number;
}

/** A node-vault client for the KV v2 store. */
export function createVaultClient({
  endpoint,
  token,
  timeoutMs = 10_000,
}: VaultClientOptions): NodeVault.client {
  const options = {
    apiVersion: 'v1',
    endpoint,
    token,
    // node-vault's debug output prints request bodies, i.e. the secrets: keep it silent.
    debug: () => undefined,
    // Honoured by node-vault 0.10's axios wrapper, though its typings do not list it.
    rpDefaults: { timeout: timeoutMs },
  };
  return NodeVault(options);
}
