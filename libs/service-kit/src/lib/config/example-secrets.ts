/**
 * Values of passwords, tokens and keys that this repository publishes as examples (docker-compose's
 * `${VAR:-default}` fallbacks). Anyone can read them, so a service refuses them at start-up unless
 * `ENCLAVE_ALLOW_EXAMPLE_SECRETS=true` says this is a development stack. A spec keeps the list in
 * step with docker-compose.yml.
 */
export const KNOWN_EXAMPLE_SECRETS: ReadonlySet<string> = new Set([
  'enclave-dev-only',
  'enclave-dev-admin-token-change-me-in-production',
  'enclave-dev-product-token-key-change-me-in-production',
  'enclave-dev-metrics-token',
  'enclave-dev-root-token',
  'enclave-dev-grafana',
  'enclave-dev-console-session-key-change-me-in-production',
  'enclave-dev-vault-tenant-registry',
  'enclave-dev-vault-credential-service',
  'enclave-dev-vault-postgres-provisioner',
  'enclave-dev-vault-mongo-provisioner',
  'enclave-dev-vault-broker-provisioner',
  'enclave-dev-vault-migration-runner',
  'enclave-dev-vault-readiness-aggregator',
  'ZW5jbGF2ZS1kZXYtb25seS1pbnNlY3VyZS1rZXktMzI=',
]);

/** The variable that lets a development stack start with the published example values. */
export const ALLOW_EXAMPLE_SECRETS_VARIABLE = 'ENCLAVE_ALLOW_EXAMPLE_SECRETS';

/**
 * Whether a secret variable's raw value is (or, for a URL, carries as its password) a published
 * example value.
 */
export function isKnownExampleSecret(raw: string): boolean {
  if (KNOWN_EXAMPLE_SECRETS.has(raw.trim())) return true;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return url.password !== '' && KNOWN_EXAMPLE_SECRETS.has(decodeURIComponent(url.password));
}
