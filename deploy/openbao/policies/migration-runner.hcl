# migration-runner: read-only: the tenant's PostgreSQL credential it migrates as, and the registry's offboarding orders.
# Held to the code by test/deploy/openbao-policies.spec.ts (what the app reads and writes).

path "secret/data/tenants/*" {
  capabilities = ["read"]
}

path "secret/data/registry/offboarding/*" {
  capabilities = ["read"]
}
