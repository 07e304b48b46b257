# credential-service: the only writer of tenants' credentials (issue, rotate with check-and-set, destroy on offboarding); reads the registry's rotation and offboarding orders it acts on.
# Held to the code by test/deploy/openbao-policies.spec.ts (what the app reads and writes).

path "secret/data/tenants/*" {
  capabilities = ["create", "read", "update"]
}

path "secret/metadata/tenants/*" {
  capabilities = ["delete"]
}

path "secret/data/registry/rotation/*" {
  capabilities = ["read"]
}

path "secret/data/registry/offboarding/*" {
  capabilities = ["read"]
}
