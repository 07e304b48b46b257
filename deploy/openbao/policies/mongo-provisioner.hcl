# mongo-provisioner: read-only: the tenant's credential it applies, and the registry's offboarding and tenant-status orders (it applies no limits).
# Held to the code by test/deploy/openbao-policies.spec.ts (what the app reads and writes).

path "secret/data/tenants/*" {
  capabilities = ["read"]
}

path "secret/data/registry/offboarding/*" {
  capabilities = ["read"]
}

path "secret/data/registry/tenant-status/*" {
  capabilities = ["read"]
}
