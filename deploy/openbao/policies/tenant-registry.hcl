# tenant-registry: hands a product its tenant's credentials (reads tenants/*), writes its orders under registry/* (offboarding, rotation, limits, tenant status); never writes a credential.
# Held to the code by test/deploy/openbao-policies.spec.ts (what the app reads and writes).

path "secret/data/tenants/*" {
  capabilities = ["read"]
}

path "secret/data/registry/offboarding/*" {
  capabilities = ["create", "update"]
}

path "secret/data/registry/rotation/*" {
  capabilities = ["create", "update"]
}

path "secret/data/registry/limits/*" {
  capabilities = ["create", "update"]
}

path "secret/data/registry/tenant-status/*" {
  capabilities = ["create", "update"]
}
